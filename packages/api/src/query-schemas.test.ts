import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { WaitQuerySchema } from "./query-schemas.ts";

describe("query schemas", () => {
  it("wait - seconds or a duration, in ms, at most a minute", () => {
    const parse = (s: string) => v.safeParse(WaitQuerySchema, s);
    expect(parse("30").output).toBe(30_000);
    expect(parse("2.5").output).toBe(2_500);
    expect(parse("500ms").output).toBe(500);
    expect(parse("10s").output).toBe(10_000);
    expect(parse("0").output).toBe(0);
    expect(parse("60").success).toBe(true);
    expect(parse("61").success).toBe(false);
    expect(parse("soon").success).toBe(false);
  });
});
