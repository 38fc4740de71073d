import { describe, expect, it } from "vitest";
import { messageShape } from "./message-shape.ts";

describe("logs analyze message shape", () => {
  it("message shape - ids, uuids, numbers, addresses and quoted values become placeholders", () => {
    expect(messageShape("device lamp-12 timed out after 5000 ms")).toBe(
      "device <id> timed out after <n> ms",
    );
    expect(messageShape("event 0192a7c2-1b1f-7c3e-9d2a-5f0e6b7c8d9e refused: 'bad'")).toBe(
      'event <uuid> refused: "<str>"',
    );
    expect(messageShape("connect ECONNREFUSED 127.0.0.1:5432")).toBe("connect ECONNREFUSED <addr>");
    expect(messageShape("batch of 500 at seq 1042 failed, retrying in 1.5s")).toBe(
      "batch of <n> at seq <n> failed, retrying in <n>",
    );
    expect(messageShape("trace 4bf92f3577b34da6a3ce929d0e0e4736")).toBe("trace <hex>");
  });

  it("message shape - the same error from two devices has one shape", () => {
    expect(messageShape('no reply from "thermo-2" in 3000 ms')).toBe(
      messageShape('no reply from "pump-17" in 5000 ms'),
    );
  });
});
