import type { StreamKind } from "@uaip/events";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { ProjectionRef, RouteEnv } from "../define-route.ts";
import { errorHandler } from "../error-handler.ts";
import { problems } from "../problem.ts";
import { readYourWrites } from "./read-your-writes.ts";

const devices: ProjectionRef = { name: "devices", stream: "devices" };

/** A gate over positions held in memory: behind → 503, as the API's checkpoint gate answers. */
function appOver(positions: Record<string, number>) {
  const waited: Array<ReadonlyMap<StreamKind, number>> = [];
  const app = new Hono<RouteEnv>();
  app.get(
    "/devices",
    readYourWrites({
      reads: [devices],
      namespace: "uaip",
      wait: async (reads, minSeq) => {
        waited.push(minSeq);
        for (const p of reads) {
          const want = minSeq.get(p.stream);
          if (want !== undefined && (positions[p.name] ?? 0) < want)
            throw problems.unavailable(`projection "${p.name}" is behind ${want}`);
        }
      },
    }),
    (c) => c.json({ ok: true }),
  );
  app.onError(errorHandler());
  return { app, waited };
}

describe("readYourWrites", () => {
  it("read your writes - X-Min-Sequence or min_seq are waited for, the higher per stream; none: no wait", async () => {
    const { app, waited } = appOver({ devices: 50 });
    expect((await app.request("/devices")).status).toBe(200);
    expect(waited).toHaveLength(0);
    const ok = await app.request("/devices?min_seq=devices:40", {
      headers: { "x-min-sequence": "UAIP_DEVICES:30, commands:9" },
    });
    expect(ok.status).toBe(200);
    expect(waited[0]).toEqual(
      new Map([
        ["devices", 40],
        ["commands", 9],
      ]),
    );
    const behind = await app.request("/devices", { headers: { "x-min-sequence": "devices:51" } });
    expect(behind.status).toBe(503);
    expect(behind.headers.get("retry-after")).toBe("1");
  });

  it("read your writes - a malformed sequence is a 400 naming the header or the parameter", async () => {
    const { app } = appOver({});
    const header = await app.request("/devices", { headers: { "x-min-sequence": "orders:1" } });
    expect(header.status).toBe(400);
    expect(await header.json()).toMatchObject({
      errors: [{ field: "X-Min-Sequence", rule: "min_sequence" }],
    });
    const query = await app.request("/devices?min_seq=devices");
    expect(await query.json()).toMatchObject({ errors: [{ field: "min_seq" }] });
  });
});
