import { describe, expect, it } from "vitest";
import { SeenCommands } from "./seen-commands.ts";

describe("seen commands", () => {
  it("seen commands - remembers ids with their value", () => {
    const seen = new SeenCommands<string>(3);
    seen.add("a", "pending");
    seen.add("a", "done");
    expect(seen.get("a")).toBe("done");
    expect(seen.get("b")).toBeUndefined();
  });

  it("seen commands - forgets the oldest past the limit", () => {
    const seen = new SeenCommands<number>(2);
    seen.add("a", 1);
    seen.add("b", 2);
    seen.add("c", 3);
    expect(seen.size).toBe(2);
    expect(seen.get("a")).toBeUndefined();
    expect(seen.get("c")).toBe(3);
  });
});
