import { describe, expect, it } from "vitest";
import { replyEvents } from "./reply-events.ts";

const shape = (r: ReturnType<typeof replyEvents>) => ({
  progress: r.progress.map((e) => `${e.type}:${e.id}:${e.source}`),
  outcome: r.outcome && `${r.outcome.type}:${r.outcome.id}`,
});

describe("reply events", () => {
  it("reply events - completed in the reply: delivered, acknowledged, completed", () => {
    const r = replyEvents("d1", "c1", 2, { status: "completed", result: { on: true } });
    expect(shape(r)).toEqual({
      progress: [
        "command.delivered:c1.delivered.2:hub",
        "command.acknowledged:c1.acknowledged:hub",
      ],
      outcome: "command.completed:c1.outcome",
    });
    expect(r.outcome?.data).toEqual({ commandId: "c1", result: { on: true } });
  });

  it("reply events - accepted: no outcome yet (the device publishes it)", () => {
    expect(shape(replyEvents("d1", "c1", 1, { status: "accepted" })).outcome).toBeUndefined();
  });

  it("reply events - rejected: delivered and failed, never acknowledged", () => {
    const r = replyEvents("d1", "c1", 1, {
      status: "rejected",
      error: { message: "no handler", code: "UNKNOWN_COMMAND" },
    });
    expect(shape(r)).toEqual({
      progress: ["command.delivered:c1.delivered.1:hub"],
      outcome: "command.failed:c1.outcome",
    });
  });
});
