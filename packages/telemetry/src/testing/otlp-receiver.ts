import { once } from "node:events";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import * as v from "valibot";

/** One span as an OTLP/HTTP JSON export carries it, flattened for assertions. */
export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** Absent on a root span. */
  readonly parentSpanId?: string;
  readonly name: string;
  readonly service: string;
  readonly links: readonly { readonly traceId: string; readonly spanId: string }[];
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
}

const AnyValue = v.object({
  stringValue: v.optional(v.string()),
  intValue: v.optional(v.union([v.string(), v.number()])),
  doubleValue: v.optional(v.number()),
  boolValue: v.optional(v.boolean()),
});
const KeyValues = v.optional(v.array(v.object({ key: v.string(), value: AnyValue })), []);
const ExportRequest = v.object({
  resourceSpans: v.array(
    v.object({
      resource: v.optional(v.object({ attributes: KeyValues })),
      scopeSpans: v.array(
        v.object({
          spans: v.array(
            v.object({
              traceId: v.string(),
              spanId: v.string(),
              parentSpanId: v.optional(v.string()),
              name: v.string(),
              attributes: KeyValues,
              links: v.optional(v.array(v.object({ traceId: v.string(), spanId: v.string() })), []),
            }),
          ),
        }),
      ),
    }),
  ),
});

function flatten(kvs: v.InferOutput<typeof KeyValues>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of kvs) {
    const x = value.stringValue ?? value.intValue ?? value.doubleValue ?? value.boolValue;
    if (x !== undefined)
      out[key] = typeof x === "string" && value.intValue !== undefined ? Number(x) : x;
  }
  return out;
}

export interface OtlpReceiver extends AsyncDisposable {
  /** Base URL to set as `OTEL_EXPORTER_OTLP_ENDPOINT` (the exporter posts to `/v1/traces`). */
  readonly endpoint: string;
  /** Every span received so far (none when started with `discard`). */
  readonly spans: ReceivedSpan[];
  /** How many spans arrived, kept or not. */
  readonly count: number;
}

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks);
  return req.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw;
}

/**
 * An OTLP/HTTP collector on a free loopback port that decodes what the real JSON exporter
 * sends (tests and the benchmark; `discard` only counts, as a collector that drops spans).
 *
 * @example
 * await using receiver = await startOtlpReceiver();
 * startTracing({ endpoint: receiver.endpoint, sampler: "always_on", samplerRatio: 1 }, logger, …);
 */
export async function startOtlpReceiver(
  options: { discard?: boolean } = {},
): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  let count = 0;
  const server = createServer(async (req, res) => {
    const text = (await body(req)).toString("utf8");
    const parsed = v.safeParse(ExportRequest, text ? JSON.parse(text) : {});
    if (!parsed.success || req.url !== "/v1/traces") {
      res.writeHead(400, { "content-type": "application/json" }).end("{}");
      return;
    }
    for (const rs of parsed.output.resourceSpans) {
      const service = String(flatten(rs.resource?.attributes ?? [])["service.name"] ?? "");
      for (const ss of rs.scopeSpans) {
        for (const s of ss.spans) {
          count++;
          if (options.discard) continue;
          spans.push({
            traceId: s.traceId,
            spanId: s.spanId,
            ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
            name: s.name,
            service,
            links: s.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId })),
            attributes: flatten(s.attributes),
          });
        }
      }
    }
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    get count() {
      return count;
    },
    async [Symbol.asyncDispose]() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * The spans of one trace as an indented tree (`name` under its parent), for a test to print;
 * a span whose parent is not among them is shown at the top.
 */
export function renderTrace(spans: readonly ReceivedSpan[], traceId: string): string {
  const mine = spans.filter((s) => s.traceId === traceId);
  const ids = new Set(mine.map((s) => s.spanId));
  const lines: string[] = [];
  const walk = (parent: string | undefined, depth: number) => {
    for (const s of mine) {
      const top = parent === undefined && (!s.parentSpanId || !ids.has(s.parentSpanId));
      if (top || (parent !== undefined && s.parentSpanId === parent)) {
        const links = s.links.length ? ` (links: ${s.links.length})` : "";
        const sql = s.attributes["db.statement"];
        const text = sql === undefined ? "" : `: ${String(sql).replace(/\s+/g, " ").slice(0, 60)}`;
        lines.push(`${"  ".repeat(depth)}${s.name} [${s.service}]${links}${text}`);
        walk(s.spanId, depth + 1);
      }
    }
  };
  walk(undefined, 0);
  return lines.join("\n");
}
