import { JetStreamApiCodes, JetStreamApiError, type JetStreamManager } from "@nats-io/jetstream";
import type { StreamKind } from "@uaip/events";
import type { ManagedStreamConfig } from "./stream-definitions.ts";

export interface ConsumerStatus {
  readonly name: string;
  /** Messages the consumer has not been delivered yet. */
  readonly pending: number;
  /** Delivered but not yet acknowledged. */
  readonly ackPending: number;
  readonly ackFloor: number;
}

export type StreamStatus =
  | {
      readonly kind: StreamKind;
      readonly stream: string;
      readonly exists: true;
      readonly messages: number;
      readonly bytes: number;
      readonly firstSeq: number;
      readonly lastSeq: number;
      readonly lastTime?: string;
      readonly consumers: ConsumerStatus[];
    }
  | { readonly kind: StreamKind; readonly stream: string; readonly exists: false };

/** Messages, bytes, sequence range and consumers of each of the hub's streams. */
export async function streamStatus(
  jsm: JetStreamManager,
  definitions: Record<StreamKind, ManagedStreamConfig>,
): Promise<StreamStatus[]> {
  const out: StreamStatus[] = [];
  for (const [kind, def] of Object.entries(definitions) as [StreamKind, ManagedStreamConfig][]) {
    try {
      const info = await jsm.streams.info(def.name);
      const consumers: ConsumerStatus[] = [];
      for await (const c of jsm.consumers.list(def.name)) {
        consumers.push({
          name: c.name,
          pending: c.num_pending,
          ackPending: c.num_ack_pending,
          ackFloor: c.ack_floor.stream_seq,
        });
      }
      out.push({
        kind,
        stream: def.name,
        exists: true,
        messages: info.state.messages,
        bytes: info.state.bytes,
        firstSeq: info.state.first_seq,
        lastSeq: info.state.last_seq,
        ...(info.state.messages > 0 ? { lastTime: info.state.last_ts } : {}),
        consumers,
      });
    } catch (err) {
      if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound) {
        out.push({ kind, stream: def.name, exists: false });
      } else {
        throw err;
      }
    }
  }
  return out;
}
