import * as v from "valibot";
import type { CheckResult } from "./check-result.ts";
import { ReadyAnswerSchema, readyComponents } from "./ready-components.ts";

export interface CheckReadyOptions {
  readonly apiKey?: string;
  readonly timeoutMs: number;
  /** The clock (ms since the epoch); a test may pass its own. */
  readonly now?: () => number;
}

/**
 * One GET of `<hub>/health/ready`: a 2xx answer is a success, anything else (non-2xx,
 * timeout, connection refused) a failure with its reason. Never throws.
 *
 * @example
 * const r = await checkReady("http://127.0.0.1:8443", { timeoutMs: 5_000 });
 * r.ok; // true when ready or degraded
 */
export async function checkReady(hub: string, opts: CheckReadyOptions): Promise<CheckResult> {
  const now = opts.now ?? Date.now;
  const at = now();
  const started = performance.now();
  const latency = () => Math.round((performance.now() - started) * 10) / 10;
  try {
    const res = await fetch(`${hub}/health/ready`, {
      headers: {
        accept: "application/json",
        ...(opts.apiKey !== undefined && { authorization: `Bearer ${opts.apiKey}` }),
      },
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    const text = await res.text();
    const parsed = v.safeParse(ReadyAnswerSchema, safeJson(text));
    const base = { hub, at, ok: res.ok, httpStatus: res.status, latencyMs: latency() };
    if (!parsed.success)
      return {
        ...base,
        status: res.ok ? "unexpected answer" : `HTTP ${res.status}`,
        ok: false,
        components: {},
        error: `HTTP ${res.status}: ${text.slice(0, 200) || "empty body"}`,
      };
    const answer = parsed.output;
    const components = readyComponents(answer);
    const down = Object.entries(components)
      .filter(([, state]) => state === "down" || someDown(state))
      .map(([name]) => name);
    return {
      ...base,
      status: answer.status,
      components,
      details: answer.components,
      ...(!res.ok && {
        error: `HTTP ${res.status}${down.length ? `: ${down.join(", ")} down` : ""}`,
      }),
    };
  } catch (err) {
    return {
      hub,
      at,
      ok: false,
      status: "unreachable",
      components: {},
      error: failureReason(err, opts.timeoutMs),
      latencyMs: latency(),
    };
  }
}

/** "3/4 up": a group with a member down. */
function someDown(state: string): boolean {
  const m = /^(\d+)\/(\d+) up$/.exec(state);
  return m !== null && m[1] !== m[2];
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** fetch hides the socket error in `cause`: name it (ECONNREFUSED, a timeout, …). */
function failureReason(err: unknown, timeoutMs: number): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === "TimeoutError") return `no answer within ${timeoutMs} ms`;
  return e.cause?.code ?? e.cause?.message ?? e.message;
}
