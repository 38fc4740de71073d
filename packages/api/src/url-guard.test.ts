import { describe, expect, it } from "vitest";
import { urlIssues } from "./url-guard.ts";

describe("urlIssues", () => {
  it("url guard - valid encodings pass; bad percent-encoding, bad UTF-8 and NUL are named by place", () => {
    expect(urlIssues("http://h/api/v1/devices?q=caf%C3%A9&tag=a+b&x")).toBeUndefined();
    expect(urlIssues("http://h/api/v1/devices/a%2Fb")).toBeUndefined();
    expect(urlIssues("http://h/a?q=%zz")?.issues[0]).toMatchObject({
      field: "q",
      rule: "percent-encoding",
    });
    expect(urlIssues("http://h/a?q=%")?.issues[0]).toMatchObject({
      field: "q",
      rule: "percent-encoding",
    });
    expect(urlIssues("http://h/a?q=%ED%A0%80")?.issues[0]?.rule).toBe("percent-encoding");
    expect(urlIssues("http://h/a?q=ok&location=x%00y")?.issues).toEqual([
      expect.objectContaining({ field: "location", rule: "no-nul" }),
    ]);
    expect(urlIssues("http://h/a?%00=1")?.issues[0]).toMatchObject({
      field: "%00",
      rule: "no-nul",
    });
    expect(urlIssues("http://h/a?%zz=1")?.issues[0]).toMatchObject({
      field: "%zz",
      rule: "percent-encoding",
    });
    expect(urlIssues("http://h/devices/%C3%28?q=1")).toMatchObject({
      where: "path",
      issues: [{ field: "(path)", rule: "percent-encoding" }],
    });
    expect(urlIssues("http://h/a#%zz")).toBeUndefined(); // a fragment is the client's
  });
});
