import { describe, expect, it } from "vitest";
import { parseMinSequence } from "./min-sequence.ts";
import { HttpProblem } from "./problem.ts";

describe("parseMinSequence", () => {
  it("min sequence - stream kinds or full names, several streams, the highest per stream", () => {
    expect(parseMinSequence("devices:12, UAIP_COMMANDS:7,devices:30", "uaip", "header")).toEqual(
      new Map([
        ["devices", 30],
        ["commands", 7],
      ]),
    );
    expect(parseMinSequence(undefined, "uaip", "header").size).toBe(0);
    expect(parseMinSequence(" ", "uaip", "query").size).toBe(0);
  });

  it("min sequence - anything else is a 400 naming the header or parameter", () => {
    for (const raw of ["devices", "devices:-1", "OTHER_DEVICES:1", "orders:1", "devices:1e3"]) {
      try {
        parseMinSequence(raw, "uaip", "header");
        expect.unreachable(raw);
      } catch (err) {
        expect(err).toBeInstanceOf(HttpProblem);
        expect((err as HttpProblem).problem).toMatchObject({
          status: 400,
          errors: [{ field: "X-Min-Sequence", rule: "min_sequence" }],
        });
      }
    }
    expect(() => parseMinSequence("x", "uaip", "query")).toThrow(/min_seq/);
  });
});
