import { describe, expect, it } from "vitest";
import { encodeStatus } from "./device-status-entry.ts";

describe("device hash", () => {
  it("device hash - a status travels with its version as a string and without null fields", () => {
    const json = encodeStatus({
      id: "b1",
      status: "offline",
      statusReason: null,
      statusChangedAt: "2026-11-21T10:00:00.000Z",
      version: 1e15,
    });
    expect(JSON.parse(json)).toEqual({
      id: "b1",
      status: "offline",
      statusChangedAt: "2026-11-21T10:00:00.000Z",
      version: "1000000000000000",
    });
  });
});
