import type { StreamKind } from "@uaip/events";
import { type ProjectionRef, problems } from "@uaip/http-kit";
import type { Db } from "@uaip/platform";

/** Read-your-writes: holds a read until the projections behind it have passed a sequence. */
export interface CheckpointGate {
  /**
   * Resolves once every projection in `reads` whose stream appears in `minSeq` has applied
   * that sequence; throws a 503 problem saying how far behind it is after `waitMs`.
   */
  require(reads: readonly ProjectionRef[], minSeq: ReadonlyMap<StreamKind, number>): Promise<void>;
}

interface Waiter {
  readonly name: string;
  readonly seq: number;
  readonly deadline: number;
  readonly done: (position: number, reached: boolean) => void;
}

/**
 * One poller serves every waiting request: while any waits, it reads the checkpoints it
 * needs with one query every `pollMs`, so a thousand waiting readers cost what one does.
 * Positions only move forward, so the last one seen answers later requests at or below it
 * without a query.
 *
 * @example
 * const gate = checkpointGate(db, 5_000);
 * await gate.require([devicesProjection], new Map([["devices", 120]])); // or a 503
 */
export function checkpointGate(db: Db, waitMs: number, pollMs = 10): CheckpointGate {
  const known = new Map<string, number>();
  const waiters = new Set<Waiter>();
  let polling = false;

  const read = async (names: string[]) => {
    const rows = await db
      .selectFrom("projection_checkpoints")
      .select(["name", "position"])
      .where("name", "in", names)
      .execute();
    for (const r of rows) known.set(r.name, Math.max(known.get(r.name) ?? 0, r.position));
  };

  const poll = async () => {
    polling = true;
    try {
      while (waiters.size > 0) {
        try {
          await read([...new Set([...waiters].map((w) => w.name))]);
        } catch {
          // The database is unreachable: waiters time out with what was last known.
        }
        const now = Date.now();
        for (const w of waiters) {
          const position = known.get(w.name) ?? 0;
          if (position >= w.seq || now >= w.deadline) {
            waiters.delete(w);
            w.done(position, position >= w.seq);
          }
        }
        if (waiters.size > 0) await new Promise((r) => setTimeout(r, pollMs));
      }
    } finally {
      polling = false;
    }
  };

  const wait = (name: string, seq: number) =>
    new Promise<{ position: number; reached: boolean }>((resolve) => {
      waiters.add({
        name,
        seq,
        deadline: Date.now() + waitMs,
        done: (position, reached) => resolve({ position, reached }),
      });
      if (!polling) void poll();
    });

  return {
    async require(reads, minSeq) {
      const needed = reads
        .map((p) => ({ name: p.name, seq: minSeq.get(p.stream) }))
        .filter((n): n is { name: string; seq: number } => n.seq !== undefined)
        .filter((n) => (known.get(n.name) ?? 0) < n.seq);
      if (needed.length === 0) return;
      const results = await Promise.all(needed.map((n) => wait(n.name, n.seq)));
      const behind = needed
        .map((n, i) => ({ ...n, ...results[i]! }))
        .filter((r) => !r.reached)
        .map((r) => ({ projection: r.name, checkpoint: r.position, required: r.seq }));
      if (behind.length === 0) return;
      throw problems.unavailable(
        `not caught up after ${waitMs} ms: ${behind
          .map(
            (b) =>
              `projection "${b.projection}" is at ${b.checkpoint}, ${b.required - b.checkpoint} behind ${b.required}`,
          )
          .join("; ")}`,
        { behind },
      );
    },
  };
}
