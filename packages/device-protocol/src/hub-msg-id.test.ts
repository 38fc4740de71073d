import { describe, expect, it } from "vitest";
import { hubMsgId } from "./hub-msg-id.ts";

const secret = (b: number) => new Uint8Array(32).fill(b);

describe("hub msg id", () => {
  it("hub msg id - the same secret and event id give the same id; another secret another one", () => {
    const id = hubMsgId(secret(1), "k-abc.issued");
    expect(id).toMatch(/^h\.[A-Za-z0-9_-]{43}$/);
    expect(hubMsgId(secret(1), "k-abc.issued")).toBe(id);
    expect(hubMsgId(secret(2), "k-abc.issued")).not.toBe(id);
    expect(hubMsgId(secret(1), "k-abc.outcome")).not.toBe(id);
  });
});
