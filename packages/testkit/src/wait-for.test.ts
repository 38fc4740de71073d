import { describe, expect, it } from "vitest";
import { waitFor } from "./wait-for.ts";

/** A probe that answers `notYet` for its first `n` calls, then `value`. */
function answersAfter<T>(n: number, notYet: unknown, value: T) {
  let calls = 0;
  const probe = () => (++calls > n ? value : (notYet as T));
  return { probe, calls: () => calls };
}

describe("waitFor", () => {
  it("wait for - null means not yet: it keeps polling until a value arrives", async () => {
    const p = answersAfter(3, null, "2026-12-01T10:00:00.000Z");
    await expect(waitFor(p.probe, 5_000)).resolves.toBe("2026-12-01T10:00:00.000Z");
    expect(p.calls()).toBe(4);
  });

  it("wait for - undefined and false mean not yet too, from async probes as well", async () => {
    const u = answersAfter(2, undefined, { id: 1 });
    await expect(waitFor(async () => u.probe(), 5_000)).resolves.toEqual({ id: 1 });
    expect(u.calls()).toBe(3);
    const f = answersAfter(2, false, true);
    await expect(waitFor(f.probe, 5_000)).resolves.toBe(true);
    expect(f.calls()).toBe(3);
  });

  it("wait for - 0 and the empty string are values, returned at once", async () => {
    await expect(waitFor(() => 0, 5_000)).resolves.toBe(0);
    await expect(waitFor(() => "", 5_000)).resolves.toBe("");
  });

  it("wait for - a probe stuck at null times out naming what it waited for and its last error", async () => {
    await expect(waitFor(() => null, 100, "last_used_at")).rejects.toThrow(
      /^timed out after 100 ms waiting for last_used_at$/,
    );
    let calls = 0;
    const failing = () => {
      if (++calls % 2 === 0) throw new Error("connection refused");
      return null;
    };
    await expect(waitFor(failing, 100, "the row")).rejects.toThrow(
      "timed out after 100 ms waiting for the row: connection refused",
    );
  });
});
