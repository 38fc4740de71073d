/**
 * Groups a message stream into batches of at most `size`, waiting at most `waitMs` after
 * the first message of a batch for the rest. One timer per batch, not per message, so a
 * backlog drains at full batch size cheaply.
 */
export async function* batches<T>(
  source: AsyncIterable<T>,
  size: number,
  waitMs: number,
  signal?: AbortSignal,
): AsyncGenerator<T[]> {
  // An abort ends the batching even while a read is pending: nats.js only finishes closing
  // a consumer when it is read once more, which never comes on an idle stream.
  const aborted = new Promise<undefined>((resolve) => {
    if (signal?.aborted) resolve(undefined);
    signal?.addEventListener("abort", () => resolve(undefined), { once: true });
  });
  const it = source[Symbol.asyncIterator]();
  let next: Promise<IteratorResult<T>> | undefined;
  for (;;) {
    const first = await Promise.race([next ?? it.next(), aborted]);
    next = undefined;
    if (first === undefined || first.done) return;
    const batch = [first.value];
    const deadline = timeout(waitMs);
    try {
      while (batch.length < size) {
        next ??= it.next();
        const result = await Promise.race([next, deadline.promise, aborted]);
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

function timeout(ms: number): { promise: Promise<undefined>; clear: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, ms, undefined);
  });
  return { promise, clear: () => clearTimeout(timer) };
}
