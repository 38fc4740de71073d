/**
 * One named lease that at most one owner holds at a time, renewed by calling `acquire`
 * again. Two backends implement it: the projector's row in `projection_checkpoints`
 * (beside the checkpoint it protects, in the same PostgreSQL) and the dispatcher's entry in
 * a NATS KV bucket (the dispatcher keeps no state in PostgreSQL). Neither is what makes
 * work safe — checkpoints' compare-and-set and idempotent appends do that; a lease keeps
 * two workers from doing the same work at once.
 */
export interface Lease {
  readonly name: string;
  /** Takes the lease when free or expired, renews it when held; true when held afterwards. */
  acquire(): Promise<boolean>;
  /** Gives it up (on a clean stop) so a standby takes over at once. */
  release(): Promise<void>;
}
