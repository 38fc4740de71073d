import { describe, expect, it } from "vitest";
import { isJsonContentType } from "./request-body.ts";

describe("isJsonContentType", () => {
  it("request body - application/json, with or without a UTF-8 charset, is JSON; nothing else is", () => {
    for (const ok of [
      "application/json",
      "Application/JSON",
      "application/json; charset=utf-8",
      'application/json;charset="UTF-8"',
    ])
      expect(isJsonContentType(ok), ok).toBe(true);
    for (const no of [
      undefined,
      "",
      "text/plain",
      "text/plain;charset=UTF-8",
      "application/json; charset=latin1",
      "application/jsonx",
      "application/x-www-form-urlencoded",
    ])
      expect(isJsonContentType(no), String(no)).toBe(false);
  });
});
