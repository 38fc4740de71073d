import type { RecordedEvent, StreamKind } from "@uaip/events";
import type { Database } from "@uaip/migrations";
import type { Transaction } from "kysely";

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
  apply(tx: Transaction<Database>, events: readonly RecordedEvent[]): Promise<void>;
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
