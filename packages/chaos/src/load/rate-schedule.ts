/**
 * How many of `total` events are due `elapsedMs` into a run at `rate` events per second:
 * an even pace, never more than the total. Pure, so the pacing is tested without a clock.
 *
 * @example
 * dueEvents(1_500, 200, 1_000); // 300
 */
export function dueEvents(elapsedMs: number, rate: number, total: number): number {
  if (elapsedMs <= 0 || rate <= 0) return 0;
  return Math.min(total, Math.floor((elapsedMs * rate) / 1000));
}
