import type { ApiAnswer, ApiClient } from "../hub/api-client.ts";

const MAX_VIOLATION_LINES = 8;

/** One request the probe repeats. */
export interface ProbeRoute {
  /** As the tallies name it, e.g. `GET /api/v1/devices/{id}`. */
  readonly name: string;
  send(api: ApiClient, n: number): Promise<ApiAnswer>;
}

/** Answers by phase (`before`, `outage`, `after`…), route and status (0: no answer). */
export type ProbeTally = Record<string, Record<string, Record<string, number>>>;

export interface ApiProbe {
  /** Tallies the next answers under this phase. */
  phase(name: string): void;
  /**
   * Answers that no outage excuses (no answer at all, a 5xx other than 503, an /api error
   * that is not problem+json), one line per kind with how often it happened.
   */
  violations(): string[];
  stop(): Promise<ProbeTally>;
}

/**
 * The routes a fault-matrix row is about: a read Redis may serve, a read only PostgreSQL
 * serves, readiness, and a write (a registration, appended to the log).
 */
export function standardRoutes(deviceId: string, prefix: string): ProbeRoute[] {
  return [
    {
      name: "GET /api/v1/devices/{id}",
      send: (api) => api.get(`/api/v1/devices/${deviceId}`, 20_000),
    },
    { name: "GET /api/v1/devices", send: (api) => api.get("/api/v1/devices?limit=5", 20_000) },
    { name: "GET /health/ready", send: (api) => api.get("/health/ready", 20_000) },
    {
      name: "POST /api/v1/devices",
      send: (api, n) =>
        api.request("POST", "/api/v1/devices", {
          body: { id: `${prefix}-${n}`, name: `probe ${n}`, type: "chaos-probe" },
          timeoutMs: 20_000,
        }),
    },
  ];
}

/** Whether an answer is one no outage excuses; the reason when it is. */
export function violation(route: string, a: ApiAnswer): string | undefined {
  if (a.status === 0) return `${route}: no answer (${a.error})`;
  if (a.status >= 500 && a.status !== 503) return `${route}: ${a.status} ${brief(a.body)}`;
  if (a.status >= 400 && route.includes(" /api/") && !a.contentType.includes("problem+json"))
    return `${route}: ${a.status} as ${a.contentType || "no content type"}, not problem+json`;
  return undefined;
}

function brief(body: unknown): string {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return (text ?? "").slice(0, 160);
}

/**
 * Sends each route in a loop (one request at a time per route, `intervalMs` apart) and
 * tallies the answers by phase, so a scenario can say what the API did during an outage.
 *
 * @example
 * const probe = startApiProbe(api, standardRoutes("pk-0", "probe"));
 * probe.phase("outage"); … probe.phase("after");
 * const tally = await probe.stop(); // { outage: { "GET /health/ready": { "503": 12 } }, … }
 */
export function startApiProbe(
  api: ApiClient | (() => ApiClient),
  routes: readonly ProbeRoute[],
  intervalMs = 250,
): ApiProbe {
  // A getter lets a scenario point the probe at a replacement process.
  const target = typeof api === "function" ? api : () => api;
  const tally: ProbeTally = {};
  const violations = new Map<string, number>();
  let current = "before";
  let stopped = false;
  let n = 0;
  const loops = routes.map(async (route) => {
    while (!stopped) {
      const phase = current;
      const answer = await route.send(target(), n++);
      const byRoute = tally[phase] ?? {};
      const byStatus = byRoute[route.name] ?? {};
      byStatus[String(answer.status)] = (byStatus[String(answer.status)] ?? 0) + 1;
      byRoute[route.name] = byStatus;
      tally[phase] = byRoute;
      const bad = violation(route.name, answer);
      if (bad) {
        const key = `${phase}: ${bad}`;
        violations.set(key, (violations.get(key) ?? 0) + 1);
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  });
  return {
    phase(name) {
      current = name;
    },
    violations: () => {
      const lines = [...violations].map(([v, n]) => (n > 1 ? `${v} (×${n})` : v));
      return lines.length <= MAX_VIOLATION_LINES
        ? lines
        : [
            ...lines.slice(0, MAX_VIOLATION_LINES),
            `… and ${lines.length - MAX_VIOLATION_LINES} more kinds of answer like these`,
          ];
    },
    async stop() {
      stopped = true;
      await Promise.all(loops);
      return tally;
    },
  };
}

/**
 * Per route, the milliseconds from `since` until it first answered 2xx (each route asked
 * in a loop of its own, so a slow one does not hold the others back); rejects naming the
 * routes still failing after `timeoutMs`.
 */
export async function waitApiRecovered(
  api: ApiClient,
  routes: readonly ProbeRoute[],
  since: number,
  timeoutMs = 60_000,
): Promise<Record<string, number>> {
  const deadline = Date.now() + timeoutMs;
  let n = 1_000_000;
  const out: Record<string, number> = {};
  const last: Record<string, number> = {};
  await Promise.all(
    routes.map(async (route) => {
      for (;;) {
        const answer = await route.send(api, n++);
        last[route.name] = answer.status;
        if (answer.status >= 200 && answer.status < 300) {
          out[route.name] = Date.now() - since;
          return;
        }
        if (Date.now() > deadline) return;
        await new Promise((r) => setTimeout(r, 200));
      }
    }),
  );
  const failing = routes.filter((r) => out[r.name] === undefined);
  if (failing.length > 0)
    throw new Error(
      `API not recovered after ${timeoutMs} ms: ${failing.map((r) => `${r.name} ${last[r.name]}`).join(", ")}`,
    );
  return out;
}
