import { describe, expect, it } from "vitest";
import { parseTimeSpec } from "./time-spec.ts";

const now = new Date("2026-11-21T12:00:00.000Z");

describe("time spec", () => {
  it("time spec - durations count back from now", () => {
    expect(parseTimeSpec("6h", "--since", now).toISOString()).toBe("2026-11-21T06:00:00.000Z");
    expect(parseTimeSpec("90s", "--since", now).toISOString()).toBe("2026-11-21T11:58:30.000Z");
    expect(parseTimeSpec("7d", "--since", now).toISOString()).toBe("2026-11-14T12:00:00.000Z");
    expect(parseTimeSpec("1.5m", "--since", now).toISOString()).toBe("2026-11-21T11:58:30.000Z");
    expect(parseTimeSpec("now", "--at", now)).toEqual(now);
  });

  it("time spec - ISO times with a zone, a date alone, or a space for the T", () => {
    expect(parseTimeSpec("2026-11-21T12:00:00+02:00", "--at").toISOString()).toBe(
      "2026-11-21T10:00:00.000Z",
    );
    expect(parseTimeSpec("2026-11-20", "--at").toISOString()).toBe("2026-11-20T00:00:00.000Z");
    expect(parseTimeSpec("2026-11-20 08:30:00Z", "--at").toISOString()).toBe(
      "2026-11-20T08:30:00.000Z",
    );
  });

  it("time spec - anything else names the option and the rule", () => {
    for (const bad of ["yesterday", "6 hours", "2026-13-45", "", "-6h"]) {
      expect(() => parseTimeSpec(bad, "--until", now)).toThrow(
        /^--until: must be "now", an ISO 8601 time/,
      );
    }
  });
});
