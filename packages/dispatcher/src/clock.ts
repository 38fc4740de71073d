/** Time as the dispatch scheduler sees it: injected, so its tests run on a fake clock. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` once, `ms` from now; the returned function cancels it. */
  after(ms: number, fn: () => void): () => void;
}

/** Node's timers cap a delay at 2^31-1 ms (about 24.8 days): longer ones are chained. */
const longestTimer = 2 ** 31 - 1;

/** The real clock: `Date.now()` and `setTimeout`. */
export const systemClock: Clock = {
  now: () => Date.now(),
  after(ms, fn) {
    const due = Date.now() + Math.max(0, ms);
    let timer: NodeJS.Timeout;
    const arm = () => {
      const left = due - Date.now();
      timer = setTimeout(left > longestTimer ? arm : fn, Math.min(Math.max(0, left), longestTimer));
    };
    arm();
    return () => clearTimeout(timer);
  },
};
