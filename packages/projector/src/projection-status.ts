import type { JetStreamManager } from "@nats-io/jetstream";
import { type StreamKind, streamName } from "@uaip/events";
import type { Db } from "@uaip/platform";
import { checkpointFault } from "./stream-identity.ts";

export interface ProjectionStatus {
  readonly name: string;
  readonly stream: string;
  readonly checkpoint: number;
  readonly streamLastSeq: number;
  /** Events in the stream after the checkpoint. */
  readonly pending: number;
  /** Age of the oldest event not yet applied (0 when caught up). */
  readonly lagSeconds: number;
  /** Checkpoint progress per second over the sampling window (0 without a window). */
  readonly eventsPerSecond: number;
  /** `running`: a worker holds the lease; `stopped`: none does. */
  readonly state: "running" | "stopped";
  readonly owner: string | null;
  /** Why the checkpoint cannot be used on this stream; a worker halts on it until a rebuild. */
  readonly fault?: string;
}

/** A projection to report on; `position` reads a checkpoint kept outside PostgreSQL (Redis). */
export interface StatusSource {
  readonly name: string;
  readonly stream: StreamKind;
  readonly position?: () => Promise<number | undefined>;
}

/**
 * Where each projection stands against its stream. With `sampleMs`, the checkpoints are
 * read twice that far apart to give a rate.
 */
export async function projectionStatus(
  db: Db,
  jsm: JetStreamManager,
  namespace: string,
  projections: readonly StatusSource[],
  sampleMs = 0,
): Promise<ProjectionStatus[]> {
  const read = async () =>
    new Map(
      (await db.selectFrom("projection_checkpoints").selectAll().execute()).map((r) => [r.name, r]),
    );
  const positions = async () => {
    const rows = await read();
    const out = new Map<string, number>();
    for (const p of projections)
      out.set(p.name, (p.position ? await p.position() : rows.get(p.name)?.position) ?? 0);
    return { rows, out };
  };
  const first = await positions();
  if (sampleMs > 0) await new Promise((r) => setTimeout(r, sampleMs));
  const { rows, out: now } = sampleMs > 0 ? await positions() : first;
  const out: ProjectionStatus[] = [];
  for (const p of projections) {
    const stream = streamName(namespace, p.stream);
    const info = await jsm.streams.info(stream);
    const row = rows.get(p.name);
    const checkpoint = now.get(p.name) ?? 0;
    const pending = Math.max(0, info.state.last_seq - checkpoint);
    let lagSeconds = 0;
    if (pending > 0) {
      const next = await jsm.streams
        .getMessage(stream, { seq: Math.max(checkpoint + 1, info.state.first_seq) })
        .catch(() => null);
      if (next) lagSeconds = Math.max(0, (Date.now() - new Date(next.timestamp).getTime()) / 1000);
    }
    const fault = checkpointFault(
      p.name,
      { position: checkpoint, streamId: row?.stream_id ?? undefined },
      info,
    );
    const before = first.out.get(p.name) ?? checkpoint;
    const leaseValid =
      row?.owner != null &&
      row.lease_until != null &&
      new Date(row.lease_until).getTime() > Date.now();
    out.push({
      name: p.name,
      stream,
      checkpoint,
      streamLastSeq: info.state.last_seq,
      pending,
      lagSeconds: Math.round(lagSeconds * 1000) / 1000,
      eventsPerSecond: sampleMs > 0 ? Math.round(((checkpoint - before) * 1000) / sampleMs) : 0,
      state: leaseValid ? "running" : "stopped",
      owner: leaseValid ? (row?.owner ?? null) : null,
      ...(fault ? { fault: fault.message } : {}),
    });
  }
  return out;
}
