import { describe, expect, it } from "vitest";
import { parseWatchFlags } from "./watch-flags.ts";

const base = {
  hubs: ["http://127.0.0.1:8443/"],
  interval: "5s",
  timeout: "5s",
  failures: "3",
  once: false,
  json: false,
};

describe("health watch flags", () => {
  it("health watch flags - durations in s, ms and m; trailing slashes dropped", () => {
    expect(parseWatchFlags({ ...base, interval: "500ms", timeout: "2" })).toMatchObject({
      hubs: ["http://127.0.0.1:8443"],
      interval: 500,
      timeout: 2_000,
      failures: 3,
    });
    expect(parseWatchFlags({ ...base, interval: "1m" }).interval).toBe(60_000);
  });

  it("health watch flags - a bad flag is one line naming it and its rule", () => {
    expect(() => parseWatchFlags({ ...base, interval: "soon" })).toThrow(
      '--interval: must be a duration such as 5, 5s, 500ms or 1m (got "soon")',
    );
    expect(() => parseWatchFlags({ ...base, failures: "0" })).toThrow(
      "--failures: must be at least 1",
    );
    expect(() => parseWatchFlags({ ...base, hubs: ["ftp://x"] })).toThrow(
      "URL: must be an http(s) URL",
    );
    expect(() => parseWatchFlags({ ...base, webhook: "nope" })).toThrow(
      "--webhook: must be an http(s) URL",
    );
    expect(() => parseWatchFlags({ ...base, interval: "10ms" })).toThrow(
      "--interval: must be at least 100 ms",
    );
  });
});
