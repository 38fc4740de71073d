export interface RetryOptions {
  /** Whether a failure is worth another try (a store that is down); others are thrown at once. */
  readonly retryable: (err: unknown) => boolean;
  /** Delay before the second attempt; doubles each time up to `maxDelayMs`. Default 100. */
  readonly initialDelayMs?: number;
  /** Default 5 000. */
  readonly maxDelayMs?: number;
  /** Gives up after this many attempts, throwing the last error. Default: no limit. */
  readonly attempts?: number;
  /** Stops retrying (the last error is thrown) once aborted. */
  readonly signal?: AbortSignal;
  /** Called before each wait, e.g. to log or to mark the worker "retrying". */
  readonly onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

/**
 * Runs `work` until it succeeds, waiting with exponential backoff after each retryable
 * failure. No attempt limit unless given: a hub outlives its stores' outages; stop it with
 * `signal`. A limit suits a start-up step that should say it cannot start.
 *
 * @example
 * await retryWithBackoff(() => commit(batch), { retryable: isPostgresUnavailable, signal });
 */
export async function retryWithBackoff<T>(work: () => Promise<T>, opts: RetryOptions): Promise<T> {
  const initial = opts.initialDelayMs ?? 100;
  const max = opts.maxDelayMs ?? 5_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (!opts.retryable(err) || opts.signal?.aborted || attempt === opts.attempts) throw err;
      const delay = Math.min(initial * 2 ** (attempt - 1), max);
      opts.onRetry?.(err, attempt, delay);
      await sleep(delay, opts.signal);
    }
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
