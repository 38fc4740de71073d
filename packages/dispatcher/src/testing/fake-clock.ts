import type { Clock } from "../clock.ts";

/** A clock that moves only when told to, for the scheduler's unit tests. */
export interface FakeClock extends Clock {
  /** Moves time forward by `ms`, calling each timer that falls due, in time order. */
  advance(ms: number): void;
  /** Timers not yet called nor cancelled. */
  readonly pending: number;
}

/**
 * @example
 * const clock = fakeClock(0);
 * clock.after(100, () => console.log("due"));
 * clock.advance(100); // due
 */
export function fakeClock(start = 0): FakeClock {
  let now = start;
  let next = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    after(ms, fn) {
      const id = next++;
      timers.set(id, { at: now + Math.max(0, ms), fn });
      return () => void timers.delete(id);
    },
    advance(ms) {
      const until = now + ms;
      for (;;) {
        let due: [number, { at: number; fn: () => void }] | undefined;
        // Earliest first; among equals, the one set first.
        for (const entry of timers)
          if (entry[1].at <= until && (!due || entry[1].at < due[1].at)) due = entry;
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = until;
    },
    get pending() {
      return timers.size;
    },
  };
}
