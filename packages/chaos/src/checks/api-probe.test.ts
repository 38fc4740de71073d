import { describe, expect, it } from "vitest";
import { violation } from "./api-probe.ts";

const answer = (status: number, contentType = "application/problem+json", error?: string) => ({
  status,
  contentType,
  body: { title: "t" },
  ...(error ? { error } : {}),
});

describe("api probe", () => {
  it("api probe - a 503 problem, a 2xx and readiness's JSON 503 are what an outage may give", () => {
    expect(violation("GET /api/v1/devices", answer(503))).toBeUndefined();
    expect(violation("GET /api/v1/devices", answer(200, "application/json"))).toBeUndefined();
    expect(violation("GET /health/ready", answer(503, "application/json"))).toBeUndefined();
  });

  it("api probe - no answer, a 500 or an /api error that is not problem+json is a violation", () => {
    expect(violation("GET /api/v1/devices", answer(0, "", "ECONNREFUSED"))).toBe(
      "GET /api/v1/devices: no answer (ECONNREFUSED)",
    );
    expect(violation("GET /api/v1/events", answer(500, "text/plain"))).toMatch(
      /^GET \/api\/v1\/events: 500 /,
    );
    expect(violation("POST /api/v1/devices", answer(503, "text/plain"))).toBe(
      "POST /api/v1/devices: 503 as text/plain, not problem+json",
    );
  });
});
