import { describe, expect, it } from "vitest";
import { deviceRow } from "../testing/redis-fixtures.ts";
import { deviceFromHash, deviceToHash } from "./device-hash.ts";

describe("device hash", () => {
  it("device hash - a row with every field set round-trips exactly", () => {
    const row = deviceRow("b1", {
      statusReason: "warm",
      decommissionedAt: "2026-12-01T00:00:00.000Z",
    });
    expect(deviceFromHash(deviceToHash(row))).toEqual(row);
  });

  it("device hash - null fields are left out and come back as null", () => {
    const row = deviceRow("b1", {
      location: null,
      firmware: null,
      statusReason: null,
      statusChangedAt: null,
      registeredAt: null,
      status: "unknown",
      capabilities: [],
      tags: [],
      metadata: {},
    });
    const hash = deviceToHash(row);
    expect(Object.keys(hash)).not.toContain("location");
    expect(Object.keys(hash)).not.toContain("decommissionedAt");
    expect(deviceFromHash(hash)).toEqual(row);
  });

  it("device hash - arrays and metadata are JSON, the version decimal", () => {
    const hash = deviceToHash(deviceRow("b1", { version: 1_234_567_890_123 }));
    expect(hash.capabilities).toBe('["set_power","dim"]');
    expect(JSON.parse(hash.metadata!)).toEqual({
      vendor: "acme",
      watts: 9,
      dimmable: true,
      serial: null,
    });
    expect(hash.version).toBe("1234567890123");
  });

  it("device hash - an empty hash (a missing key) is no row", () => {
    expect(deviceFromHash({})).toBeUndefined();
  });
});
