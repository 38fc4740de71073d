import { fieldIssues } from "@uaip/events";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { EventsQuerySchema } from "./events-query.ts";

const parse = (query: Record<string, string>) => v.safeParse(EventsQuerySchema, query);
const issue = (query: Record<string, string>) => {
  const r = parse(query);
  expect(r.success, JSON.stringify(query)).toBe(false);
  return fieldIssues(r.issues ?? [])[0];
};

describe("events query", () => {
  it("events query - every filter parsed once into a replay query; a page of 1000 by default", () => {
    const now = Date.now();
    const r = parse({
      stream: "devices",
      device: "thermo-*",
      type: "device.registered, device.status_changed,,",
      from_seq: "10",
      to_seq: "20",
      since: "6h",
      until: "2026-11-21T10:00:00Z",
      limit: "500",
    });
    if (!r.success) throw new Error(JSON.stringify(r.issues));
    const q = r.output;
    expect(q).toMatchObject({
      stream: "devices",
      device: "thermo-*",
      types: ["device.registered", "device.status_changed"],
      fromSeq: 10,
      toSeq: 20,
      until: new Date("2026-11-21T10:00:00Z"),
      limit: 500,
    });
    expect(Math.abs(q.since!.getTime() - (now - 6 * 3_600_000))).toBeLessThan(1_000);
    expect(parse({}).output).toEqual({ limit: 1000 });
    // Empty filters are as if absent; unknown parameters are ignored.
    expect(parse({ stream: "", device: "", type: "", other: "x" }).output).toEqual({ limit: 1000 });
  });

  it("events query - each bad parameter is named, with the rule and the value", () => {
    expect(issue({ limit: "many" })).toMatchObject({ field: "limit", rule: "regex" });
    expect(issue({ limit: "0" })).toMatchObject({
      field: "limit",
      message: 'must be a whole number ≥ 1 (got "0")',
    });
    expect(issue({ limit: "20000" })).toMatchObject({
      field: "limit",
      message: "must be at most 10000 (got 20000)",
    });
    expect(issue({ from_seq: "abc" })).toMatchObject({ field: "from_seq", rule: "regex" });
    expect(issue({ to_seq: "0" })?.field).toBe("to_seq");
    expect(issue({ since: "" })).toMatchObject({ field: "since", rule: "min_length" });
    expect(issue({ until: "tomorrow" })).toMatchObject({
      field: "until",
      message: expect.stringMatching(/^must be "now", an ISO 8601 time .*\(got "tomorrow"\)$/),
    });
  });
});
