import type { RecordedEvent, StreamKind } from "@uaip/events";
import type { Database } from "@uaip/migrations";
import type { Transaction } from "kysely";

/** Applies one batch inside the runtime's transaction. */
export type ApplyBatch = (
  tx: Transaction<Database>,
  events: readonly RecordedEvent[],
) => Promise<void>;

/**
 * A read model: which stream it folds, and how a batch of decoded events lands in
 * PostgreSQL. The runtime (packages/projector) owns consuming, the transaction, the
 * checkpoint and acks; a projection owns only its rows.
 */
export interface Projection {
  readonly name: string;
  readonly stream: StreamKind;
  /** Tables this projection writes, so rebuild and verify know what is its. */
  readonly tables: readonly (keyof Database)[];
  /**
   * Applies the batch inside the runtime's transaction with set-based statements (no
   * statement per event). Events arrive in stream order and may include ones already
   * applied (after a crash); the fold's sequence guard makes those no-ops.
   */
  apply: ApplyBatch;
  /**
   * A writer with state of its own (e.g. a cache of current rows, checked against the table
   * by version) for one long-running target. Without it, `apply` is used.
   */
  readonly createWriter?: () => BatchWriter;
  /**
   * What a rebuild keeps when the stream's retention has removed its oldest events. Without
   * it the projection needs the whole log: rebuilding or verifying it from a stream whose
   * head is gone is refused rather than silently incomplete.
   */
  readonly carryOver?: CarryOver;
}

/** Where a stream starts once its retention has removed its oldest events. */
export interface LogHead {
  /** The first sequence the stream still holds. */
  readonly firstSeq: number;
  /** When that event was stored; undefined when the stream holds nothing any more. */
  readonly firstStoredAt?: Date;
}

/**
 * Rows a fold of the retained log cannot recompute, brought over from the live tables. Run
 * after the fold into the shadow schema and before it is compared or swapped in.
 */
export interface CarryOver {
  /** One line for reports: what is kept rather than recomputed. */
  describe(head: LogHead): string;
  /** Copies them from `live` into `shadow` (both schema names); returns the rows written. */
  apply(
    tx: Transaction<Database>,
    schemas: { readonly live: string; readonly shadow: string },
    head: LogHead,
  ): Promise<number>;
}

/**
 * A stateful writer. The runtime calls `committed()` after the batch's transaction commits
 * and `aborted()` when it rolls back, so state kept between batches never runs ahead of the
 * table (a retried batch must find the rows as the table has them).
 */
export interface BatchWriter {
  readonly apply: ApplyBatch;
  committed(): void;
  aborted(): void;
}

/**
 * Thrown by a fold for an event that is valid on its own but cannot be applied (e.g. a
 * result for a command that was never issued). The runtime isolates it, sends it to the
 * dead letters with this message, and goes on with the rest of the batch.
 */
export class UnfoldableEventError extends Error {
  override readonly name = "UnfoldableEventError";
  constructor(
    message: string,
    readonly seq: number,
  ) {
    super(message);
  }
}
