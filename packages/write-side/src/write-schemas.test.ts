import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { commandIdFor, sameJson } from "./command-ids.ts";
import { IfMatchSchema, IssueCommandBody } from "./write-schemas.ts";

const parse = <S extends v.GenericSchema>(s: S, x: unknown) => v.safeParse(s, x);

describe("write schemas", () => {
  it("if-match - accepts a version quoted, weak or bare, and *", () => {
    expect(parse(IfMatchSchema, '"12"').output).toBe(12);
    expect(parse(IfMatchSchema, 'W/"12"').output).toBe(12);
    expect(parse(IfMatchSchema, "12").output).toBe(12);
    expect(parse(IfMatchSchema, "*").output).toBe("*");
    expect(parse(IfMatchSchema, "twelve").success).toBe(false);
  });

  it("issue command - ttl defaults to 300 s and is bounded; unknown fields are refused", () => {
    expect(parse(IssueCommandBody, { name: "set_power" }).output).toEqual({
      name: "set_power",
      params: {},
      ttl: 300,
    });
    expect(parse(IssueCommandBody, { name: "x", ttl: 0 }).success).toBe(false);
    expect(parse(IssueCommandBody, { name: "x", ttl: 1.5 }).success).toBe(false);
    expect(parse(IssueCommandBody, { name: "x", colour: 1 }).success).toBe(false);
  });

  it("command ids - one id per (device, key), a valid subject token", () => {
    const id = commandIdFor("lamp-1", "order-7");
    expect(id).toBe(commandIdFor("lamp-1", "order-7"));
    expect(id).not.toBe(commandIdFor("lamp-2", "order-7"));
    expect(id).toMatch(/^k-[A-Za-z0-9_-]{32}$/);
  });

  it("same json - key order does not matter, values do", () => {
    expect(sameJson({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 2 })).toBe(false);
    expect(sameJson({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
  });
});
