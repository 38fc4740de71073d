import { describe, expect, it } from "vitest";
import { deviceMatcher } from "./device-glob.ts";
import { planReplay } from "./replay-plan.ts";

const extent = { firstSeq: 1, lastSeq: 500 };
const plan = (q: Parameters<typeof planReplay>[0]) => planReplay(q, "uaip", extent);

describe("replay plan", () => {
  it("replay plan - one device becomes the subject filter (every origin); the type is checked client-side", () => {
    const p = plan({ device: "thermo-42", types: ["device.status_changed"] });
    expect(p).toMatchObject({
      kind: "devices",
      stream: "UAIP_DEVICES",
      filterSubject: "uaip.device.thermo-42.>",
      start: { deliver_policy: "all" },
    });
    expect(p.matches({ deviceId: "thermo-42", type: "device.status_changed" })).toBe(true);
    expect(p.matches({ deviceId: "thermo-42", type: "device.updated" })).toBe(false);
    expect(plan({ device: "thermo-42" }).matches({})).toBe(true);
  });

  it("replay plan - the stream follows the type, and each stream has its subject shape", () => {
    expect(plan({ types: ["command.completed"], device: "d1" }).filterSubject).toBe(
      "uaip.command.d1.*.>",
    );
    expect(plan({ stream: "telemetry", device: "d1" }).filterSubject).toBe("uaip.telemetry.d1");
    expect(plan({ stream: "UAIP_DEADLETTER" }).filterSubject).toBe("uaip.dlq.>");
    expect(plan({}).filterSubject).toBe("uaip.device.*.>");
  });

  it("replay plan - globs and several types are checked client-side", () => {
    const p = plan({ device: "thermo-*", types: ["device.registered", "device.updated"] });
    expect(p.filterSubject).toBe("uaip.device.*.>");
    expect(p.matches({ deviceId: "thermo-1", type: "device.updated" })).toBe(true);
    expect(p.matches({ deviceId: "thermo-1", type: "device.status_changed" })).toBe(false);
    expect(p.matches({ deviceId: "lamp-1", type: "device.updated" })).toBe(false);
    const dl = plan({ stream: "deadletter", device: "d1" });
    expect(dl.matches({ deviceId: "d1" })).toBe(true);
    expect(dl.matches({ deviceId: "d2" })).toBe(false);
  });

  it("replay plan - the start is a sequence, else a time, else the beginning", () => {
    const since = new Date("2026-11-21T10:00:00Z");
    expect(plan({ fromSeq: 7, since }).start).toEqual({
      deliver_policy: "by_start_sequence",
      opt_start_seq: 7,
    });
    expect(plan({ since }).start).toEqual({
      deliver_policy: "by_start_time",
      opt_start_time: "2026-11-21T10:00:00.000Z",
    });
  });

  it("replay plan - bad ranges, types and streams are refused naming the option", () => {
    const since = new Date("2026-11-21T10:00:00Z");
    const until = new Date("2026-11-21T09:00:00Z");
    expect(() => plan({ since, until })).toThrow(
      /^--until: 2026-11-21T09:00:00.000Z is before --since/,
    );
    expect(() => plan({ fromSeq: 9, toSeq: 3 })).toThrow(/^--to-seq: 3 is before --from-seq 9/);
    expect(() => plan({ fromSeq: 501 })).toThrow(
      /past the end of the stream \(last sequence 500\)/,
    );
    expect(plan({ fromSeq: 501, follow: true }).start).toMatchObject({ opt_start_seq: 501 });
    expect(() => plan({ fromSeq: 502, follow: true })).toThrow(/past the end/);
    expect(() => plan({ types: ["device.registered", "command.issued"] })).toThrow(
      /^--type: types from several streams \(devices, commands\)/,
    );
    expect(() => plan({ stream: "x" })).toThrow(/^--stream: unknown stream "x"/);
    expect(() => plan({ limit: 0 })).toThrow(/^--limit: must be a whole number ≥ 1/);
    expect(() => plan({ device: "a.b" })).toThrow(/^--device: must be a device id/);
  });

  it("replay plan - device globs match whole ids only", () => {
    const m = deviceMatcher("t?-*");
    expect(m.subjectToken).toBe("*");
    expect(["t1-a", "tx-", "t1-abc"].every((id) => m.test?.(id))).toBe(true);
    expect(["t12-a", "xt1-a"].some((id) => m.test?.(id))).toBe(false);
    expect(deviceMatcher("*")).toEqual({ subjectToken: "*" });
  });
});
