/** Why a Redis verification could not reach a verdict. */
export type RedisVerifyFailure =
  /** The checkpoint vanished or went back during the comparison: Redis lost its data. */
  | "checkpoint_lost"
  /** The log does not reach the checkpoint (stream recreated, purged or messages deleted). */
  | "stream_behind"
  /** The type sets kept changing under the comparison. */
  | "unsettled";

/** `verifyRedisProjection` could not compare Redis with the log; nothing is known about drift. */
export class RedisVerifyError extends Error {
  override readonly name = "RedisVerifyError";
  constructor(
    readonly reason: RedisVerifyFailure,
    message: string,
  ) {
    super(message);
  }
}

export function isRedisVerifyError(err: unknown): err is RedisVerifyError {
  return err instanceof RedisVerifyError;
}
