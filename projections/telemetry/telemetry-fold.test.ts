import { createEvent, type DeviceEvent, type RecordedEvent } from "@uaip/events";
import { foldSpec } from "@uaip/testkit";
import { describe, expect, it } from "vitest";
import { foldTelemetry, minuteOf, readingsOf } from "./telemetry-fold.ts";

/** 10:mm:ss on the test day, UTC. */
const at = (minute: number, second = 0) =>
  `2026-11-21T10:${String(minute).padStart(2, "0")}:${String(second).padStart(2, "0")}.000Z`;

function recorded(event: DeviceEvent, seq: number): RecordedEvent {
  return {
    stream: "UAIP_TELEMETRY",
    seq,
    subject: "x",
    storedAt: new Date(event.occurredAt),
    event,
  };
}

const reported = (id: string, metrics: Record<string, number>, occurredAt: string) =>
  createEvent("telemetry.reported", id, { metrics }, { occurredAt });

// Two row sets of one history: the per-minute roll-ups and the latest value per metric.
const minutes = foldSpec((events: readonly RecordedEvent[]) => [
  ...foldTelemetry(events).minutes.values(),
]);
const latest = foldSpec((events: readonly RecordedEvent[]) => [
  ...foldTelemetry(events).latest.values(),
]);

describe("telemetry fold", () => {
  it("telemetry - a reading opens its minute and becomes the latest", () => {
    const g = [recorded(reported("t1", { temperature: 21.5 }, at(3, 17)), 1)];
    minutes.given(...g).thenRows([
      {
        deviceId: "t1",
        metric: "temperature",
        minute: at(3),
        count: 1,
        min: 21.5,
        max: 21.5,
        sum: 21.5,
        last: 21.5,
        lastAt: at(3, 17),
      },
    ]);
    latest
      .given(...g)
      .thenRows([{ deviceId: "t1", metric: "temperature", value: 21.5, at: at(3, 17), seq: 1 }]);
  });

  it("telemetry - readings in one minute give count, min, max, sum and last", () => {
    minutes
      .given(
        recorded(reported("t1", { temperature: 20 }, at(3, 0)), 1),
        recorded(reported("t1", { temperature: 23 }, at(3, 20)), 2),
        recorded(reported("t1", { temperature: 19 }, at(3, 59)), 3),
      )
      .thenRows([
        { minute: at(3), count: 3, min: 19, max: 23, sum: 62, last: 19, lastAt: at(3, 59) },
      ]);
  });

  it("telemetry - minutes are cut in UTC, whatever offset the device used", () => {
    minutes
      .given(
        recorded(reported("t1", { power: 1 }, at(3, 59)), 1),
        recorded(reported("t1", { power: 2 }, "2026-11-21T12:04:00+02:00"), 2),
      )
      .thenRows([
        { minute: at(3), count: 1, last: 1 },
        { minute: at(4), count: 1, last: 2, lastAt: at(4) },
      ]);
    expect(minuteOf("2026-11-21T10:04:59.999Z")).toBe(at(4));
  });

  it("telemetry - each metric of an event has its own rows", () => {
    const g = [recorded(reported("t1", { temperature: 21, humidity: 40 }, at(1)), 1)];
    minutes.given(...g).thenRows([
      { metric: "temperature", sum: 21 },
      { metric: "humidity", sum: 40 },
    ]);
    latest.given(...g).thenRows([
      { metric: "temperature", value: 21 },
      { metric: "humidity", value: 40 },
    ]);
  });

  it("telemetry - last is the reading taken latest in the minute, not the one stored last", () => {
    const g = [
      recorded(reported("t1", { power: 5 }, at(3, 40)), 1),
      recorded(reported("t1", { power: 7 }, at(3, 10)), 2),
    ];
    minutes.given(...g).thenRows([{ count: 2, sum: 12, last: 5, lastAt: at(3, 40) }]);
    latest.given(...g).thenRows([{ value: 5, at: at(3, 40), seq: 1 }]);
  });

  it("telemetry - readings taken at the same time: the later in the stream wins", () => {
    const g = [
      recorded(reported("t1", { power: 5 }, at(3, 40)), 1),
      recorded(reported("t1", { power: 7 }, at(3, 40)), 2),
    ];
    minutes.given(...g).thenRows([{ count: 2, last: 7 }]);
    latest.given(...g).thenRows([{ value: 7, seq: 2 }]);
  });

  it("telemetry - the latest moves to a later minute and never back", () => {
    latest
      .given(
        recorded(reported("t1", { power: 1 }, at(5)), 1),
        recorded(reported("t1", { power: 2 }, at(7)), 2),
        recorded(reported("t1", { power: 3 }, at(6)), 3),
      )
      .thenRows([{ value: 2, at: at(7), seq: 2 }]);
  });

  it("telemetry - a duplicate (same sequence) is not counted twice", () => {
    const a = recorded(reported("t1", { power: 1 }, at(1)), 1);
    const b = recorded(reported("t1", { power: 2 }, at(1, 30)), 2);
    expect(foldTelemetry([a, b, b, a])).toEqual(foldTelemetry([a, b]));
    minutes.given(a, b, b).thenRows([{ count: 2, sum: 3 }]);
  });

  it("telemetry - an event at or below the position folded so far is skipped", () => {
    const older = recorded(reported("t1", { power: 9 }, at(1)), 1);
    const newer = recorded(reported("t1", { power: 2 }, at(1, 30)), 2);
    const folded = foldTelemetry([newer, older]);
    expect(folded.position).toBe(2);
    expect([...folded.minutes.values()]).toEqual([
      expect.objectContaining({ count: 1, sum: 2, max: 2 }),
    ]);
  });

  it("telemetry - folding in two steps equals folding at once", () => {
    const events = [
      recorded(reported("t1", { power: 1 }, at(1)), 1),
      recorded(reported("t2", { power: 4 }, at(1, 5)), 2),
      recorded(reported("t1", { power: 3 }, at(1, 50)), 3),
      recorded(reported("t1", { power: 2 }, at(2)), 4),
    ];
    expect(foldTelemetry(events.slice(2), foldTelemetry(events.slice(0, 2)))).toEqual(
      foldTelemetry(events),
    );
  });

  it("telemetry - events of other streams add nothing, but move the position", () => {
    const status = createEvent("device.status_changed", "t1", { status: "online" });
    expect(readingsOf(recorded(status, 1))).toEqual([]);
    const folded = foldTelemetry([recorded(status, 4)]);
    expect(folded).toEqual({ position: 4, minutes: new Map(), latest: new Map() });
  });

  it("telemetry - devices fold independently", () => {
    latest
      .given(
        recorded(reported("t1", { power: 1 }, at(1)), 1),
        recorded(reported("t2", { power: 2 }, at(1)), 2),
      )
      .thenRows([
        { deviceId: "t1", value: 1 },
        { deviceId: "t2", value: 2 },
      ]);
  });
});
