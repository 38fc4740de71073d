/**
 * Groups a message stream into batches of at most `size`, waiting at most `waitMs` after
 * the first message of a batch for the rest. One timer per batch, not per message, so a
 * backlog drains at full batch size cheaply.
 */
export async function* batches<T>(
  source: AsyncIterable<T>,
  size: number,
  waitMs: number,
): AsyncGenerator<T[]> {
  const it = source[Symbol.asyncIterator]();
  let next: Promise<IteratorResult<T>> | undefined;
  for (;;) {
    const first = await (next ?? it.next());
    next = undefined;
    if (first.done) return;
    const batch = [first.value];
    const deadline = timeout(waitMs);
    try {
      while (batch.length < size) {
        next ??= it.next();
        const result = await Promise.race([next, deadline.promise]);
        if (result === undefined) break; // waited long enough; `next` carries over
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
