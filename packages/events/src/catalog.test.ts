import { describe, expect, it } from "vitest";
import { catalog, type EventType, EventTypes } from "./catalog.ts";
import { createEvent, InvalidEventError } from "./create-event.ts";
import { decodeEvent, type RawStoredMessage } from "./decode.ts";
import { subjects } from "./naming.ts";

const s = subjects("uaip");
const storedAt = new Date("2026-11-21T10:00:00.000Z");

function stored(subject: string, body: unknown, header?: Record<string, string>): RawStoredMessage {
  return {
    stream: "UAIP_DEVICES",
    seq: 7,
    subject,
    data: new TextEncoder().encode(typeof body === "string" ? body : JSON.stringify(body)),
    storedAt,
    ...(header ? { header: (n: string) => header[n] } : {}),
  };
}

function subjectOf(type: EventType, data: unknown) {
  return s.forEvent({ type, deviceId: "dev-1", data });
}

/** One invalid `data` per type, and the field the error must name. */
const invalid: Record<EventType, { data: unknown; field: string }> = {
  "device.registered": { data: { name: "", type: "smart-bulb" }, field: "data.name" },
  "device.updated": { data: {}, field: "data" },
  "device.decommissioned": { data: { reason: 5 }, field: "data.reason" },
  "device.status_changed": { data: { status: "sleeping" }, field: "data.status" },
  "telemetry.reported": {
    data: { metrics: { temperature: "hot" } },
    field: "data.metrics.temperature",
  },
  "command.issued": {
    data: { commandId: "c-1", name: "reboot", expiresAt: "tomorrow" },
    field: "data.expiresAt",
  },
  "command.delivered": { data: { commandId: "c-1", attempt: 0 }, field: "data.attempt" },
  "command.acknowledged": { data: { commandId: "c 1" }, field: "data.commandId" },
  "command.completed": { data: { commandId: "c-1", extra: true }, field: "data.extra" },
  "command.failed": { data: { commandId: "c-1", error: {} }, field: "data.error.message" },
  "command.expired": { data: {}, field: "data.commandId" },
  "command.cancelled": { data: { commandId: "c-1", reason: 42 }, field: "data.reason" },
};

describe("event catalog", () => {
  it.each(EventTypes)("catalog - %s: its example decodes into the current version", (type) => {
    const def = catalog[type];
    const example = def.example as unknown;
    const body = {
      id: "e-1",
      type,
      v: def.version,
      deviceId: "dev-1",
      occurredAt: storedAt.toISOString(),
      data: example,
    };
    const result = decodeEvent(stored(subjectOf(type, example), body), s);
    expect(result.ok, result.ok ? "" : result.rejection.message).toBe(true);
    if (result.ok) {
      expect(result.value.event).toMatchObject({
        id: "e-1",
        type,
        v: def.version,
        deviceId: "dev-1",
        source: "device",
      });
      expect(result.value.seq).toBe(7);
    }
  });

  it.each(EventTypes)("catalog - %s: invalid data is rejected naming the field", (type) => {
    const bad = invalid[type];
    const body = { type, deviceId: "dev-1", data: bad.data };
    const result = decodeEvent(stored(subjectOf(type, bad.data), body), s);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.rejection.reason).toBe("invalid_data");
      expect(result.rejection.issues.map((i) => i.field)).toContain(bad.field);
      expect(result.rejection.message).toContain(bad.field);
    }
  });

  it("catalog - every type has an invalid case in this spec", () => {
    expect(Object.keys(invalid).sort()).toEqual([...EventTypes].sort());
  });
});

describe("decodeEvent", () => {
  it("decode - a plain client's bare body takes id, type, device and time from headers, subject and stream", () => {
    const result = decodeEvent(
      stored("uaip.device.lamp-1.status", { data: { status: "online" } }, { "Nats-Msg-Id": "m-9" }),
      s,
    );
    expect(result).toEqual({
      ok: true,
      value: expect.objectContaining({
        event: {
          id: "m-9",
          type: "device.status_changed",
          v: 1,
          deviceId: "lamp-1",
          occurredAt: storedAt.toISOString(),
          source: "device",
          data: { status: "online" },
        },
      }),
    });
  });

  it("decode - with no headers at all the id falls back to stream and sequence", () => {
    const result = decodeEvent(
      stored("uaip.telemetry.lamp-1", { data: { metrics: { power: 1 } } }),
      s,
    );
    expect(result.ok && result.value.event.id).toBe("UAIP_DEVICES:7");
  });

  it("decode - telemetry v1 (one metric) is upcast to v2 (metrics map)", () => {
    const result = decodeEvent(
      stored("uaip.telemetry.t-1", { v: 1, data: { metric: "temperature", value: 21.5 } }),
      s,
    );
    expect(result.ok && result.value.event).toMatchObject({
      v: 2,
      data: { metrics: { temperature: 21.5 } },
    });
  });

  it("decode - an invalid v1 body is rejected naming the v1 field", () => {
    const result = decodeEvent(
      stored("uaip.telemetry.t-1", { v: 1, data: { metric: "temperature", value: "x" } }),
      s,
    );
    expect(!result.ok && result.rejection.issues[0]?.field).toBe("data.value");
  });

  it("decode - a version newer than the catalog is rejected", () => {
    const result = decodeEvent(
      stored("uaip.device.d.status", { v: 9, data: { status: "online" } }),
      s,
    );
    expect(!result.ok && result.rejection.reason).toBe("unsupported_version");
  });

  it("decode - malformed JSON is rejected, not thrown", () => {
    const result = decodeEvent(stored("uaip.device.d.status", "{not json"), s);
    expect(!result.ok && result.rejection.reason).toBe("malformed_json");
  });

  it("decode - an unknown type is rejected naming the type", () => {
    const result = decodeEvent(stored("uaip.other.d", { type: "device.exploded", data: {} }), s);
    expect(!result.ok && result.rejection).toMatchObject({
      reason: "unknown_type",
      issues: [{ field: "type" }],
    });
  });

  it("decode - a body that claims another device than its subject is rejected", () => {
    const result = decodeEvent(
      stored("uaip.device.a.status", { deviceId: "b", data: { status: "online" } }),
      s,
    );
    expect(!result.ok && result.rejection).toMatchObject({
      reason: "subject_mismatch",
      issues: [{ field: "deviceId" }],
    });
  });

  it("decode - a body whose type disagrees with the subject is rejected", () => {
    const result = decodeEvent(
      stored("uaip.device.a.status", { type: "device.registered", data: { name: "x", type: "y" } }),
      s,
    );
    expect(!result.ok && result.rejection.reason).toBe("subject_mismatch");
  });

  it("decode - the source is the subject's origin: none for a device, .operator / .hub for the hub", () => {
    const bare = { data: { status: "online" } };
    const of = (subject: string) => {
      const r = decodeEvent(stored(subject, bare), s);
      return r.ok ? r.value.event.source : r.rejection.reason;
    };
    expect(of("uaip.device.a.status")).toBe("device");
    expect(of("uaip.device.a.status.hub")).toBe("hub");
    expect(of("uaip.device.a.status.operator")).toBe("operator");
    expect(of("uaip.device.a.status.device")).toBe("unknown_type");
  });

  it("decode - a body claiming source operator on a device's own subject is rejected naming source", () => {
    const forged = {
      type: "device.registered",
      deviceId: "a",
      source: "operator",
      data: { name: "x", type: "y" },
    };
    const result = decodeEvent(stored("uaip.device.a.registered", forged), s);
    expect(!result.ok && result.rejection).toMatchObject({
      reason: "subject_mismatch",
      issues: [{ field: "source", rule: "subject" }],
    });
    const honest = decodeEvent(stored("uaip.device.a.registered.operator", forged), s);
    expect(honest.ok && honest.value.event.source).toBe("operator");
  });

  it("decode - a body on a subject that names no event is refused, whatever it claims", () => {
    // `<ns>.device.<id>.junk` is within a device's permissions and captured by the stream.
    const claim = { type: "device.registered", deviceId: "b", data: { name: "x", type: "y" } };
    const result = decodeEvent(stored("uaip.device.a.junk", claim), s);
    expect(!result.ok && result.rejection).toMatchObject({
      reason: "unknown_type",
      issues: [{ field: "type", rule: "subject" }],
    });
  });

  it("decode - a payload that is not UTF-8 is rejected as invalid_utf8, not read with U+FFFD", () => {
    const bytes = new Uint8Array([
      ...new TextEncoder().encode('{"data":{"status":"online","reason":"caf'),
      0xc3,
      0x28,
      ...new TextEncoder().encode('"}}'),
    ]);
    const result = decodeEvent({ ...stored("uaip.device.a.status", ""), data: bytes }, s);
    expect(!result.ok && result.rejection).toMatchObject({
      reason: "invalid_utf8",
      issues: [{ field: "(root)", rule: "utf8" }],
    });
  });

  it("decode - U+0000 in any text field is rejected naming the field and rule no_control_characters", () => {
    const cases: [string, unknown, string][] = [
      ["uaip.device.a.registered", { name: "\u0000", type: "t" }, "data.name"],
      ["uaip.device.a.updated", { tags: ["ok", "a\u0000"] }, "data.tags.1"],
      ["uaip.device.a.updated", { location: "x\u0007" }, "data.location"],
      ["uaip.device.a.status", { status: "error", reason: "bad\u0000" }, "data.reason"],
      [
        "uaip.command.a.c1.failed",
        { commandId: "c1", error: { message: "m\u0000" } },
        "data.error.message",
      ],
      ["uaip.device.a.updated", { metadata: { "k\u0000": 1 } }, "data.metadata.k\\u0000"],
    ];
    for (const [subject, data, field] of cases) {
      const result = decodeEvent(stored(subject, { data }), s);
      expect(!result.ok && result.rejection, subject).toMatchObject({
        reason: "invalid_data",
        issues: [{ field, rule: "no_control_characters" }],
      });
      // The reason is storable itself: no raw U+0000 in it.
      expect(!result.ok && result.rejection.message.includes("\u0000")).toBe(false);
    }
  });

  it("decode - free text keeps tab and newline; labels do not", () => {
    const ok = decodeEvent(
      stored("uaip.device.a.status", { data: { status: "error", reason: "line 1\n\tline 2" } }),
      s,
    );
    expect(ok.ok).toBe(true);
    const label = decodeEvent(stored("uaip.device.a.updated", { data: { name: "a\nb" } }), s);
    expect(!label.ok && label.rejection.issues[0]).toMatchObject({
      field: "data.name",
      rule: "no_control_characters",
    });
  });

  it("decode - opaque JSON (params, result) refuses U+0000 and lone surrogates at their exact path", () => {
    const result = decodeEvent(
      stored("uaip.command.a.c1.completed", {
        data: { commandId: "c1", result: { log: ["fine", "x\u0000y"], "\u0000": 1, s: "\ud800" } },
      }),
      s,
    );
    expect(!result.ok && result.rejection.issues).toEqual([
      expect.objectContaining({ field: "data.result.log.1", rule: "no_nul" }),
      expect.objectContaining({ field: "data.result.\\u0000", rule: "no_nul" }),
      expect.objectContaining({ field: "data.result.s", rule: "well_formed_unicode" }),
    ]);
    const control = decodeEvent(
      stored("uaip.command.a.c1.completed", {
        data: { commandId: "c1", result: { ansi: "\u001b[1m" } },
      }),
      s,
    );
    expect(control.ok).toBe(true);
  });

  it("decode - a non-object envelope is rejected as invalid", () => {
    const result = decodeEvent(stored("uaip.device.a.status", [1, 2]), s);
    expect(!result.ok && result.rejection.reason).toBe("invalid_envelope");
  });
});

describe("subjects", () => {
  it("subjects - build and parse round-trip for every type", () => {
    for (const type of EventTypes) {
      const subject = s.forEvent({ type, deviceId: "dev-1", data: { commandId: "c-1" } });
      expect(s.parse(subject)).toMatchObject({ type, deviceId: "dev-1" });
    }
  });

  it("subjects - a hub origin adds one token, and parse reads it back", () => {
    const e = { type: "command.expired" as const, deviceId: "d", data: { commandId: "c-1" } };
    expect(s.forEvent({ ...e, source: "hub" })).toBe("uaip.command.d.c-1.expired.hub");
    expect(s.parse("uaip.command.d.c-1.expired.hub")).toEqual({
      type: "command.expired",
      deviceId: "d",
      commandId: "c-1",
      source: "hub",
    });
    expect(s.device("d", "registered", "operator")).toBe("uaip.device.d.registered.operator");
    expect(s.parse("uaip.device.d.status.extra")).toBeUndefined();
    expect(s.parse("uaip.telemetry.d.hub")).toBeUndefined();
  });

  it("subjects - other namespaces and foreign subjects do not parse", () => {
    expect(s.parse("other.device.d.status")).toBeUndefined();
    expect(s.parse("uaip.device.d.unknown")).toBeUndefined();
    expect(s.parse("uaip.telemetry.d.extra")).toBeUndefined();
  });
});

describe("createEvent", () => {
  it("createEvent - builds a current-version event with defaults applied", () => {
    const e = createEvent("device.registered", "bulb-1", { name: "Bulb", type: "smart-bulb" });
    expect(e).toMatchObject({
      type: "device.registered",
      v: 1,
      deviceId: "bulb-1",
      data: { capabilities: [], tags: [], metadata: {} },
    });
    expect(e.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("createEvent - refuses a bad device id naming the field", () => {
    expect(() => createEvent("device.status_changed", "bad.id", { status: "online" })).toThrow(
      InvalidEventError,
    );
    expect(() => createEvent("device.status_changed", "bad.id", { status: "online" })).toThrow(
      /deviceId/,
    );
  });
});
