/**
 * The checkpoint was not where this worker left it: another worker moved it, or the data is
 * gone. A target throws it from `commit` (nothing applied); the runtime re-reads the
 * checkpoint and carries on from there.
 */
export class CheckpointConflictError extends Error {
  override readonly name = "CheckpointConflictError";
  constructor(
    readonly projection: string,
    readonly expected: number,
  ) {
    super(`checkpoint of ${projection} is no longer at ${expected}: another worker applied events`);
  }
}

export function isCheckpointConflict(err: unknown): err is CheckpointConflictError {
  return err instanceof CheckpointConflictError;
}
