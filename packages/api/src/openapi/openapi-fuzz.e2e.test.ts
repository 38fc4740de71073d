import { createEvent } from "@uaip/events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultApiOptions } from "../api-options.ts";
import { listen, type RunningServer } from "../server.ts";
import { type ApiTestHub, sampleDevice, startApiTestHub } from "../testing/api-test-hub.ts";
import { fuzzOpenApi } from "../testing/openapi-fuzz.ts";

// FUZZ_SEED=<n> replays a run; FUZZ_PER_OPERATION sets its size; FUZZ_SHOW=<status> prints
// every answer with that status or above (FUZZ_SHOW=400 shows what each error said).
const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const perOperation = Number(process.env.FUZZ_PER_OPERATION ?? 150);
const show = process.env.FUZZ_SHOW ? Number(process.env.FUZZ_SHOW) : Number.POSITIVE_INFINITY;

let h: ApiTestHub;
let server: RunningServer;

beforeAll(async () => {
  h = await startApiTestHub(
    // A short read-your-writes wait: hostile X-Min-Sequence values ask for sequences never written.
    { auth: "required", rateLimitPerSecond: 0, readWaitMs: 500 },
    { redisProjection: true },
  );
  await h.publishAndWait([
    ...sampleDevice("fz-1"),
    createEvent("command.issued", "fz-1", {
      commandId: "cmd-1",
      name: "reboot",
      expiresAt: new Date(Date.now() + 600_000).toISOString(),
    }),
  ]);
  server = await listen(h.app, "127.0.0.1", 0);
});
afterAll(async () => {
  await server?.close();
  await h?.close();
});

describe("OpenAPI fuzz", () => {
  it("fuzz - hostile requests to every documented operation: no undocumented 5xx, every error a problem", async () => {
    console.log(
      `openapi fuzz: seed ${seed} (FUZZ_SEED=${seed} replays it), ${perOperation} per operation`,
    );
    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as Record<
      string,
      unknown
    >;
    const key = await h.key("read", "write", "admin");
    const started = Date.now();
    const report = await fuzzOpenApi({
      url: server.url,
      document,
      key,
      seed,
      perOperation,
      bodyLimitBytes: defaultApiOptions.bodyLimitBytes,
      pathValues: { id: "fz-1", file: "swagger-ui.css" },
      onAnswer: (op, request, a) => {
        if (a.status >= show) console.log(op, a.status, request, a.body.toString().slice(0, 300));
      },
    });
    console.log(
      `openapi fuzz: ${report.requests} requests in ${Date.now() - started} ms; statuses ${JSON.stringify(report.byStatus)}`,
    );
    const shown = report.findings
      .slice(0, 15)
      .map((f) => `${f.operation} ${f.status}: ${f.why} — ${f.request}`);
    expect(shown, `seed ${seed}: ${report.findings.length} findings`).toEqual([]);
    expect(report.requests).toBeGreaterThanOrEqual(perOperation * 15);
    // The server is still up and still itself.
    expect((await fetch(`${server.url}/health/live`)).status).toBe(200);
    const ok = await fetch(`${server.url}/api/v1/devices/fz-1`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(ok.status).toBe(200);
  }, 120_000);
});
