import type { Db } from "@uaip/platform";
import type { KyselyPlugin } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiOptions } from "../api-options.ts";
import { createApp } from "../app.ts";
import { listen } from "../server.ts";
import { type ApiTestHub, sampleDevice, startApiTestHub } from "../testing/api-test-hub.ts";

let h: ApiTestHub;
let good: string;

beforeAll(async () => {
  h = await startApiTestHub({}, { redisProjection: false });
  await h.publishAndWait(sampleDevice("fa-1"));
  good = await h.key("read");
});
afterAll(() => h?.close());

/** The test hub's real database, counting the queries that reach it. */
function countingDb(): { db: Db; queries: () => number } {
  let n = 0;
  const counter: KyselyPlugin = {
    transformQuery: (args) => {
      n++;
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return { db: h.t.db.withPlugin(counter), queries: () => n };
}

function appWith(db: Db, options: Partial<ApiOptions>) {
  const t = h.t;
  return createApp({
    namespace: t.namespace,
    db,
    redis: t.redis,
    nc: t.nc,
    jsm: t.jsm,
    logger: t.logger,
    options,
  });
}

const bad = (i: number) => `uaip_not-a-key-${i}-${"x".repeat(20)}`;

describe("failed authentication limit", () => {
  it("auth limit - past the limit a client's bad keys get 429 with Retry-After and cost no PostgreSQL query", async () => {
    const { db, queries } = countingDb();
    const app = appWith(db, { authFailuresPerMinute: 5 });
    const call = (key: string) =>
      app.request("/api/v1/stats", { headers: { authorization: `Bearer ${key}` } });
    // A key verified before the flood keeps working through it.
    expect((await call(good)).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await call(bad(i))).status).toBe(401);
    const limited = await call(bad(5));
    expect(limited.status).toBe(429);
    expect(limited.headers.get("content-type")).toBe("application/problem+json");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await limited.json()).toMatchObject({
      status: 429,
      type: "https://uaip.dev/problems/too-many-failed-authentications",
    });
    const before = queries();
    const flood = await Promise.all(Array.from({ length: 200 }, (_, i) => call(bad(100 + i))));
    expect(new Set(flood.map((r) => r.status))).toEqual(new Set([429]));
    expect(queries() - before).toBe(0);
    const stillGood = await call(good);
    expect(stillGood.status).toBe(200);
    // A key this process never verified is not looked up while the client is limited.
    const other = await h.key("read");
    expect((await call(other)).status).toBe(429);
  });

  it("auth limit - clients are told apart by address; behind a trusted proxy by X-Forwarded-For", async () => {
    const { db } = countingDb();
    await using direct = await listen(appWith(db, { authFailuresPerMinute: 2 }), "127.0.0.1", 0);
    await using proxied = await listen(
      appWith(db, { authFailuresPerMinute: 2, trustedProxies: ["127.0.0.1"] }),
      "127.0.0.1",
      0,
    );
    const call = (base: string, key: string, forwardedFor?: string) =>
      fetch(`${base}/api/v1/stats`, {
        headers: {
          authorization: `Bearer ${key}`,
          ...(forwardedFor && { "x-forwarded-for": forwardedFor }),
        },
      }).then(async (r) => {
        await r.arrayBuffer();
        return r.status;
      });

    // Not a trusted proxy: X-Forwarded-For is the client's own claim and changes nothing.
    expect(await call(direct.url, bad(1), "198.51.100.1")).toBe(401);
    expect(await call(direct.url, bad(2), "198.51.100.2")).toBe(401);
    expect(await call(direct.url, bad(3), "198.51.100.3")).toBe(429);

    // Behind the trusted proxy, each forwarded client has its own budget.
    expect(await call(proxied.url, good, "198.51.100.1")).toBe(200);
    expect(await call(proxied.url, bad(1), "198.51.100.1")).toBe(401);
    expect(await call(proxied.url, bad(2), "198.51.100.1")).toBe(401);
    expect(await call(proxied.url, bad(3), "198.51.100.1")).toBe(429);
    expect(await call(proxied.url, bad(4), "203.0.113.9, 198.51.100.2")).toBe(401);
    expect(await call(proxied.url, good, "198.51.100.1")).toBe(200);
  });
});
