/**
 * A replay, fold or export asked for something the log cannot answer: a bad time, a range
 * backwards, a sequence past the end, an unknown stream or type. `message` is one line that
 * names the option and the rule; the CLI prints it and exits 2, the API answers 400.
 */
export class ReplayQueryError extends Error {
  override readonly name = "ReplayQueryError";
  constructor(
    /** The option at fault as the user wrote it, e.g. `--until` or `until`. */
    readonly field: string,
    readonly rule: string,
    /** The rule broken, without the field name. */
    readonly detail: string,
  ) {
    super(`${field}: ${detail}`);
  }
}

export function isReplayQueryError(err: unknown): err is ReplayQueryError {
  return err instanceof ReplayQueryError;
}

/**
 * A backup that must not be restored (a file missing, a checksum that does not match, a
 * manifest that does not parse), or a restore that would overwrite something without
 * `--force`. Raised before anything is touched; `reasons` lists every problem found.
 */
export class RestoreRefusedError extends Error {
  override readonly name = "RestoreRefusedError";
  constructor(readonly reasons: readonly string[]) {
    super(`restore refused: ${reasons.join("; ")}`);
  }
}

export function isRestoreRefused(err: unknown): err is RestoreRefusedError {
  return err instanceof RestoreRefusedError;
}

/** The server refused or broke off a stream snapshot or restore. */
export class SnapshotTransferError extends Error {
  override readonly name = "SnapshotTransferError";
  constructor(
    readonly stream: string,
    readonly operation: "snapshot" | "restore",
    message: string,
    /** JetStream's `err_code`, when the server answered with one. */
    readonly code?: number,
    options?: { cause?: unknown },
  ) {
    super(`${operation} of ${stream}: ${message}`, options);
  }
}

export function isSnapshotTransferError(err: unknown): err is SnapshotTransferError {
  return err instanceof SnapshotTransferError;
}
