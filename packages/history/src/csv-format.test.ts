import { createEvent } from "@uaip/events";
import { describe, expect, it } from "vitest";
import { csvColumns, csvField, csvFormat } from "./csv-format.ts";
import { ndjsonFormat } from "./ndjson-format.ts";
import type { ReplayRecord } from "./replay-record.ts";

const record: ReplayRecord = {
  stream: "UAIP_DEVICES",
  seq: 7,
  subject: "uaip.device.d1.status",
  storedAt: "2026-11-21T10:00:00.000Z",
  event: createEvent("device.status_changed", "d1", { status: "error", reason: 'a, "b"\nc' }),
};

describe("record formats", () => {
  it("record formats - CSV quotes only what needs it, doubling quotes", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField(undefined)).toBe("");
    expect(csvField(42)).toBe("42");
  });

  it("record formats - a CSV row has one cell per column, data as JSON", () => {
    expect(csvFormat.header).toBe(csvColumns.join(","));
    const line = csvFormat.line(record);
    expect(line.startsWith("UAIP_DEVICES,7,uaip.device.d1.status,2026-11-21T10:00:00.000Z,")).toBe(
      true,
    );
    expect(line).toContain('"{""status"":""error"",""reason"":""a, \\""b\\""\\nc""}"');
  });

  it("record formats - NDJSON is one line that parses back to the record", () => {
    const line = ndjsonFormat.line(record);
    expect(line).not.toContain("\n");
    expect(JSON.parse(line)).toEqual(record);
  });
});
