/** What a `waitFor` probe returns while the condition does not hold yet. */
export type NotYet = undefined | null | false;

/**
 * Polls `probe` every 25 ms until it returns something other than `undefined`, `null` or
 * `false`, and resolves with that value; fails after `timeoutMs` with the last error the
 * probe threw. `null` means "not yet" because that is what a nullable column or a missing
 * Redis key reads as before the write being waited for lands. `0` and `""` are values.
 *
 * @example
 * const row = await waitFor(async () => (await readDevice(db, "lamp-1"))?.lastSeenAt, 10_000, "last seen");
 */
export async function waitFor<T>(
  probe: () => Promise<T | NotYet> | T | NotYet,
  timeoutMs = 30_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== null && v !== false) return v as T;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`,
      );
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}
