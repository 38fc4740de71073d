import { type FuzzOperation, fuzzOperations } from "./fuzz-operations.ts";
import { type Draft, describeDraft, hostileRequest, serializeDraft } from "./hostile-request.ts";
import { type RawAnswer, rawRequest } from "./raw-http.ts";

type Json = Record<string, unknown>;

/** A request that broke the contract: a 5xx the operation does not document, or an error body that is not a problem. */
export interface FuzzFinding {
  readonly operation: string;
  readonly request: string;
  readonly status: number | "no answer";
  readonly why: string;
}

/** What a run sends, and where. */
export interface FuzzOptions {
  /** The running API: `http://127.0.0.1:port`. */
  readonly url: string;
  readonly document: Json;
  /** A key with every scope: hostile requests are valid but for the one thing each breaks. */
  readonly key: string;
  readonly seed: number;
  readonly perOperation: number;
  /** Largest body the API takes (BODY_LIMIT): one byte more is a "huge body". */
  readonly bodyLimitBytes: number;
  /** Values for path parameters, by name (an existing device id, command id, …). */
  readonly pathValues?: Readonly<Record<string, string>>;
  readonly concurrency?: number;
  /** Sees every answer (for a closer look at one seed's run). */
  readonly onAnswer?: (operation: string, request: string, answer: RawAnswer) => void;
}

export interface FuzzReport {
  readonly requests: number;
  readonly byStatus: Readonly<Record<string, number>>;
  readonly findings: readonly FuzzFinding[];
}

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Checks one answer against the contract; undefined when it holds. */
function breach(op: FuzzOperation, a: RawAnswer): string | undefined {
  if (!Number.isInteger(a.status)) return "no status line";
  if (a.status >= 500 && !(a.status === 503 && op.responses["503"] !== undefined))
    return `${a.status} (the operation documents ${op.responses["503"] ? "503 only" : "no 5xx"})`;
  if (a.status < 400) return undefined;
  const type = a.headers["content-type"] ?? "";
  if (!type.startsWith("application/problem+json")) return `error with content-type "${type}"`;
  let body: Json;
  try {
    body = JSON.parse(a.body.toString("utf8")) as Json;
  } catch {
    return "error body is not JSON";
  }
  if (typeof body.type !== "string" || typeof body.title !== "string" || body.status !== a.status)
    return `problem without type/title/status: ${a.body.toString("utf8").slice(0, 200)}`;
  return undefined;
}

/**
 * Sends `perOperation` hostile requests to every operation of the document, each a valid
 * request but for one thing (a parameter, the target's bytes, the key, a header, the
 * body), over raw sockets so any byte can be sent. The same seed sends the same requests.
 *
 * @example
 * const report = await fuzzOpenApi({ url, document, key, seed: 42, perOperation: 200, bodyLimitBytes: 1 << 20 });
 * expect(report.findings).toEqual([]);
 */
export async function fuzzOpenApi(o: FuzzOptions): Promise<FuzzReport> {
  const { hostname, port } = new URL(o.url);
  const findings: FuzzFinding[] = [];
  const byStatus: Record<string, number> = {};
  const jobs: Array<{ op: FuzzOperation; draft: Draft; label: string }> = [];
  for (const op of fuzzOperations(o.document)) {
    // One generator per operation, so adding an operation does not change the others' requests.
    const r = rng(
      o.seed ^ [...op.operationId].reduce((h, ch) => Math.imul(h, 31) + ch.charCodeAt(0), 7),
    );
    for (let i = 0; i < o.perOperation; i++) jobs.push({ op, ...hostileRequest(op, r, o) });
  }
  let next = 0;
  const worker = async () => {
    for (let job = jobs[next++]; job; job = jobs[next++]) {
      const request = describeDraft(job.draft, job.label);
      let answer: RawAnswer;
      try {
        answer = await rawRequest(hostname, Number(port), serializeDraft(job.draft));
      } catch (err) {
        byStatus["no answer"] = (byStatus["no answer"] ?? 0) + 1;
        findings.push({
          operation: job.op.operationId,
          request,
          status: "no answer",
          why: (err as Error).message,
        });
        continue;
      }
      byStatus[answer.status] = (byStatus[answer.status] ?? 0) + 1;
      o.onAnswer?.(job.op.operationId, request, answer);
      const why = breach(job.op, answer);
      if (why)
        findings.push({ operation: job.op.operationId, request, status: answer.status, why });
    }
  };
  await Promise.all(Array.from({ length: o.concurrency ?? 8 }, worker));
  return { requests: jobs.length, byStatus, findings };
}
