import { describe, expect, it } from "vitest";
import { retryWithBackoff } from "./retry-with-backoff.ts";

class Down extends Error {}

/** Work that fails with `errors` in turn, then answers "ok". */
function failing(...errors: Error[]) {
  let calls = 0;
  const work = async () => {
    const err = errors[calls++];
    if (err) throw err;
    return "ok";
  };
  return { work, calls: () => calls };
}

const retryable = (err: unknown) => err instanceof Down;

describe("retry with backoff", () => {
  it("retry - a retryable failure is tried again with doubling delays, up to the cap", async () => {
    const { work, calls } = failing(new Down(), new Down(), new Down(), new Down());
    const delays: number[] = [];
    const result = await retryWithBackoff(work, {
      retryable,
      initialDelayMs: 1,
      maxDelayMs: 4,
      onRetry: (_err, _attempt, delay) => delays.push(delay),
    });
    expect(result).toBe("ok");
    expect(calls()).toBe(5);
    expect(delays).toEqual([1, 2, 4, 4]);
  });

  it("retry - another failure is thrown at once", async () => {
    const bad = new Error("bad statement");
    const { work, calls } = failing(bad);
    await expect(retryWithBackoff(work, { retryable, initialDelayMs: 1 })).rejects.toBe(bad);
    expect(calls()).toBe(1);
  });

  it("retry - with a limit, the last failure is thrown after that many attempts", async () => {
    const last = new Down("third");
    const { work, calls } = failing(new Down(), new Down(), last, new Down());
    await expect(
      retryWithBackoff(work, { retryable, initialDelayMs: 1, attempts: 3 }),
    ).rejects.toBe(last);
    expect(calls()).toBe(3);
  });

  it("retry - an aborted signal ends the waiting and throws the failure in hand", async () => {
    const stop = new AbortController();
    const { work, calls } = failing(new Down("first"), new Down("second"));
    const running = retryWithBackoff(work, {
      retryable,
      initialDelayMs: 60_000,
      signal: stop.signal,
      onRetry: () => queueMicrotask(() => stop.abort()),
    });
    await expect(running).rejects.toThrow("second");
    expect(calls()).toBe(2);
  });
});
