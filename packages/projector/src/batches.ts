/**
 * Groups a message stream into batches of at most `size`, waiting at most `waitMs` after
 * the first message of a batch for the rest. One timer per batch, not per message, so a
 * backlog drains at full batch size cheaply.
 *
 * An abort ends the batching even while a read is pending: nats.js only finishes closing a
 * consumer when it is read once more, which never comes on an idle stream.
 */
export async function* batches<T>(
  source: AsyncIterable<T>,
  size: number,
  waitMs: number,
  signal?: AbortSignal,
): AsyncGenerator<T[]> {
  const it = source[Symbol.asyncIterator]();
  let next: Promise<IteratorResult<T>> | undefined;
  for (;;) {
    const first = await untilAborted(next ?? it.next(), signal);
    next = undefined;
    if (first === undefined || first.done) return;
    const batch = [first.value];
    const deadline = timeout(waitMs, signal);
    try {
      while (batch.length < size) {
        next ??= it.next();
        const result = await Promise.race([next, deadline.promise]);
        if (result === undefined) break; // waited long enough (or aborted); `next` carries over
        next = undefined;
        if (result.done) {
          yield batch;
          return;
        }
        batch.push(result.value);
      }
    } finally {
      deadline.clear();
    }
    yield batch;
  }
}

/**
 * `p`, or undefined once `signal` aborts. The listener goes away with the read: racing reads
 * against one long-lived promise would keep every settled read (a message) reachable.
 */
function untilAborted<R>(p: Promise<R>, signal?: AbortSignal): Promise<R | undefined> {
  if (!signal) return p;
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (err) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      },
    );
  });
}

/** Resolves after `ms` or on abort, whichever comes first; `clear()` releases both. */
function timeout(
  ms: number,
  signal?: AbortSignal,
): { promise: Promise<undefined>; clear: () => void } {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const promise = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, ms, undefined);
    onAbort = () => resolve(undefined);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
  return {
    promise,
    clear: () => {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener("abort", onAbort);
    },
  };
}
