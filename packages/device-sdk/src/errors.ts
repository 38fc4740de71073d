/** The buffer was full (NATS unreachable for long): the oldest unsent event was dropped. */
export class BufferOverflowError extends Error {
  override readonly name = "BufferOverflowError";
  constructor(readonly limit: number) {
    super(`dropped: more than ${limit} events were waiting for NATS`);
  }
}

/** JetStream refused the event (e.g. 10071: an expected last sequence did not hold). */
export class PublishRejectedError extends Error {
  override readonly name = "PublishRejectedError";
  constructor(
    /** JetStream API error code (`err_code`), e.g. 10071. */
    readonly code: number,
    readonly subject: string,
    description: string,
  ) {
    super(`${subject}: ${description} (${code})`);
  }
}

/** The device client was closed before the event was stored. */
export class DeviceClosedError extends Error {
  override readonly name = "DeviceClosedError";
  constructor() {
    super("the device client is closed");
  }
}

/** Events not all stored within the time `flush` was given. */
export class FlushTimeoutError extends Error {
  override readonly name = "FlushTimeoutError";
  constructor(
    readonly pending: number,
    timeoutMs: number,
  ) {
    super(`${pending} events still unacknowledged after ${timeoutMs} ms`);
  }
}

export function isBufferOverflow(err: unknown): err is BufferOverflowError {
  return err instanceof BufferOverflowError;
}

export function isPublishRejected(err: unknown, code?: number): err is PublishRejectedError {
  return err instanceof PublishRejectedError && (code === undefined || err.code === code);
}
