import { createHash } from "node:crypto";
import { once } from "node:events";
import type { Writable } from "node:stream";
import type { StreamConfig, StreamState } from "@nats-io/jetstream";
import { createInbox, Empty, type NatsConnection } from "@nats-io/transport-node";
import { SnapshotTransferError } from "./errors.ts";

export interface SnapshotOptions {
  /** Bytes per chunk the server sends (default 128 KiB; must stay under max_payload). */
  readonly chunkSize?: number;
  /** Include the stream's durable consumers and their state (default true). */
  readonly consumers?: boolean;
  /** Give up when the server sends nothing for this long (default 30 s). */
  readonly idleMs?: number;
  readonly onChunk?: (bytesSoFar: number) => void;
}

/** What the server said about the stream at the instant of the snapshot, and what was written. */
export interface SnapshotResult {
  readonly config: StreamConfig;
  readonly state: StreamState;
  readonly bytes: number;
  /** sha256 of the bytes written, hex. */
  readonly sha256: string;
}

interface ApiError {
  readonly code: number;
  readonly err_code?: number;
  readonly description: string;
}

const text = new TextDecoder();

/**
 * Snapshots one stream through JetStream's snapshot API (nats.js 3.4 has no client for it):
 * a request to `$JS.API.STREAM.SNAPSHOT.<stream>` names an inbox, the server answers with
 * the stream's config and state, then streams the snapshot (an s2-compressed tar of the
 * stream's store and its consumers) in chunks to the inbox. Each chunk carries a reply
 * subject; answering it is the flow control, so a chunk is acknowledged only once it is in
 * `out`. An empty message without a reply ends the transfer. Checked on nats-server 2.9.10.
 *
 * @example
 * const snap = await snapshotStream(nc, "UAIP_DEVICES", createWriteStream("UAIP_DEVICES.tar.s2"));
 */
export async function snapshotStream(
  nc: NatsConnection,
  stream: string,
  out: Writable,
  opts: SnapshotOptions = {},
): Promise<SnapshotResult> {
  const inbox = createInbox();
  const sub = nc.subscribe(inbox);
  const hash = createHash("sha256");
  let bytes = 0;
  let idleTimer: NodeJS.Timeout | undefined;
  let idled = false;
  const idleMs = opts.idleMs ?? 30_000;
  const armIdle = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      idled = true;
      sub.unsubscribe();
    }, idleMs);
  };
  try {
    const reply = await nc.request(
      `$JS.API.STREAM.SNAPSHOT.${stream}`,
      JSON.stringify({
        deliver_subject: inbox,
        no_consumers: opts.consumers === false,
        chunk_size: opts.chunkSize ?? 128 * 1024,
        jsck: false,
      }),
      { timeout: 30_000 },
    );
    const answer = JSON.parse(text.decode(reply.data)) as {
      error?: ApiError;
      config: StreamConfig;
      state: StreamState;
    };
    if (answer.error) {
      throw new SnapshotTransferError(
        stream,
        "snapshot",
        answer.error.description,
        answer.error.err_code,
      );
    }
    armIdle();
    let ended = false;
    for await (const m of sub) {
      armIdle();
      const status = m.headers?.code ?? 0;
      if (status >= 400) {
        throw new SnapshotTransferError(
          stream,
          "snapshot",
          `server stopped the transfer: ${status} ${m.headers?.description ?? ""}`.trim(),
        );
      }
      if (m.data.length === 0 && !m.reply) {
        ended = true;
        break;
      }
      hash.update(m.data);
      bytes += m.data.length;
      if (!out.write(m.data)) await once(out, "drain");
      if (m.reply) nc.publish(m.reply, Empty);
      opts.onChunk?.(bytes);
    }
    if (!ended) {
      throw new SnapshotTransferError(
        stream,
        "snapshot",
        idled ? `no data from the server for ${idleMs} ms` : "the transfer ended early",
      );
    }
    return { config: answer.config, state: answer.state, bytes, sha256: hash.digest("hex") };
  } finally {
    clearTimeout(idleTimer);
    if (!sub.isClosed()) sub.unsubscribe();
  }
}
