import { describe, expect, it } from "vitest";
import type { AckedEvent } from "../load/acked-event.ts";
import { lostEvents } from "./acked-in-log.ts";
import type { LoggedMessage } from "./stream-log.ts";

const ack = (
  stream: string,
  seq: number,
  msgId: string,
  subject = `ns.telemetry.d-${seq}`,
): AckedEvent => ({
  msgId,
  stream,
  seq,
  subject,
  type: "telemetry.reported",
  deviceId: `d-${seq}`,
  duplicate: false,
  ackedAt: 0,
});

function logOf(stream: string, messages: { seq: number; msgId?: string; subject?: string }[]) {
  const bySeq = new Map<number, LoggedMessage>(
    messages.map((m) => [
      m.seq,
      { seq: m.seq, subject: m.subject ?? `ns.telemetry.d-${m.seq}`, msgId: m.msgId },
    ]),
  );
  return new Map([[stream, { bySeq }]]);
}

describe("acked in log", () => {
  it("acked in log - every ack found at its sequence under its msg id: nothing lost", () => {
    const acks = [ack("T", 1, "a"), ack("T", 2, "b"), { ...ack("T", 2, "b"), duplicate: true }];
    expect(
      lostEvents(
        acks,
        logOf("T", [
          { seq: 1, msgId: "a" },
          { seq: 2, msgId: "b" },
        ]),
      ),
    ).toEqual([]);
  });

  it("acked in log - a missing sequence, another msg id or subject there, or an unknown stream is a loss", () => {
    const acks = [ack("T", 1, "a"), ack("T", 2, "b"), ack("T", 3, "c"), ack("D", 1, "d")];
    const lost = lostEvents(
      acks,
      logOf("T", [
        { seq: 2, msgId: "other" },
        { seq: 3, msgId: "c", subject: "ns.telemetry.someone-else" },
      ]),
    );
    expect(lost.map((l) => l.event.msgId)).toEqual(["a", "b", "c", "d"]);
    expect(lost[0]?.found).toBeUndefined();
    expect(lost[1]?.found).toEqual({ msgId: "other", subject: "ns.telemetry.d-2" });
  });
});
