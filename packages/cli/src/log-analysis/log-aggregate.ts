import { boundedCounter } from "./bounded-counter.ts";
import { accessLog, knownMessageKind } from "./known-messages.ts";
import { errorMessage, type LogRecord, recordTime } from "./log-record.ts";
import { type LevelName, type LogReport, levelNames } from "./log-report.ts";
import { messageShape } from "./message-shape.ts";
import { recommendations } from "./recommendations.ts";
import { routeLatency } from "./route-latency.ts";
import { slowestRequests } from "./slowest-requests.ts";

export interface LogAggregateOptions {
  /** Length of each top list. */
  readonly top: number;
  /** Only lines at or after this time (ms since the epoch) count. */
  readonly since?: number;
}

/** Distinct routes with their own histogram; more than this share one "(other routes)" row. */
const MAX_ROUTES = 500;
const OTHER_ROUTES = "(other routes)";
const MAX_PROJECTIONS = 100;

/**
 * The figures of a log, line by line, in bounded memory: counters, bounded top lists and
 * one HdrHistogram per route. Pure: feed it with `line()` (parsed) or `skipped()`, then
 * ask for the `report()`.
 *
 * @example
 * const agg = logAggregate({ top: 10 });
 * agg.line(parseLogLine(text)!); agg.report().levels.info; // 1
 */
export function logAggregate(opts: LogAggregateOptions) {
  const capacity = Math.max(1_000, opts.top * 10);
  let total = 0;
  let analyzed = 0;
  let skipped = 0;
  let outsideWindow = 0;
  let from: number | undefined;
  let to: number | undefined;
  const levels: Record<LevelName, number> = {
    trace: 0,
    debug: 0,
    info: 0,
    warn: 0,
    error: 0,
    fatal: 0,
    other: 0,
  };
  const problems = boundedCounter<string>(capacity);
  const statuses = new Map<number, number>();
  const routes = new Map<
    string,
    { latency: ReturnType<typeof routeLatency>; serverErrors: number }
  >();
  const slowest = slowestRequests(opts.top);
  const security = boundedCounter<{ status: number; keyId: string | null; client: string | null }>(
    capacity,
  );
  const securityByStatus = { 401: 0, 403: 0, 429: 0 };
  const projections = new Map<string, { retries: number; deadLetters: number }>();
  const projector = { retries: 0, unavailable: 0, deadLetters: 0, stopped: 0 };
  const dispatcher = { retries: 0, failedSteps: 0, expired: 0, expiryFailures: 0, restarts: 0 };
  const steps = boundedCounter(capacity);

  const request = (r: LogRecord, time: number | undefined) => {
    const status = r.status ?? 0;
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    const key = `${r.method ?? "?"} ${r.route ?? r.path ?? "?"}`;
    const name = routes.has(key) || routes.size < MAX_ROUTES ? key : OTHER_ROUTES;
    let route = routes.get(name);
    if (!route) {
      route = { latency: routeLatency(), serverErrors: 0 };
      routes.set(name, route);
    }
    if (r.durationMs !== undefined) route.latency.record(r.durationMs);
    if (status >= 500) route.serverErrors++;
    const durationMs = r.durationMs;
    if (durationMs !== undefined)
      slowest.add(durationMs, () => ({
        ...(time !== undefined && { time: new Date(time).toISOString() }),
        ...(r.method !== undefined && { method: r.method }),
        ...(r.route !== undefined && { route: r.route }),
        ...(r.path !== undefined && { path: r.path }),
        status,
        durationMs,
        ...(r.requestId !== undefined && { requestId: r.requestId }),
      }));
    if (status === 401 || status === 403 || status === 429) {
      securityByStatus[status]++;
      const keyId = r.keyId ?? null;
      const client = r.client ?? null;
      security.add(`${status} ${keyId} ${client}`, 1, { status, keyId, client });
    }
  };

  const perProjection = (r: LogRecord) => {
    const given = r.projection ?? "(unnamed)";
    const name = projections.has(given) || projections.size < MAX_PROJECTIONS ? given : "(others)";
    let p = projections.get(name);
    if (!p) {
      p = { retries: 0, deadLetters: 0 };
      projections.set(name, p);
    }
    return p;
  };

  const known = (r: LogRecord, msg: string) => {
    switch (knownMessageKind(msg, r.component)) {
      case "projector.retry":
        projector.retries++;
        perProjection(r).retries++;
        return;
      case "projector.unavailable":
        projector.unavailable++;
        return;
      case "projector.deadLetter":
        projector.deadLetters++;
        perProjection(r).deadLetters++;
        return;
      case "projector.stopped":
        projector.stopped++;
        return;
      case "dispatcher.retry":
        dispatcher.retries++;
        return;
      case "dispatcher.expired":
        dispatcher.expired++;
        return;
      case "dispatcher.expiryFailed":
        dispatcher.expiryFailures++;
        steps.add("expiry");
        return;
      case "dispatcher.stepFailed":
        dispatcher.failedSteps++;
        steps.add(msg.replace(/ failed$/, ""));
        return;
      case "dispatcher.restart":
        dispatcher.restarts++;
        return;
      case undefined:
        return;
    }
  };

  return {
    /** A line that is not a log line. */
    skipped() {
      total++;
      skipped++;
    },
    line(r: LogRecord) {
      total++;
      const time = recordTime(r);
      if (opts.since !== undefined && (time === undefined || time < opts.since)) {
        outsideWindow++;
        return;
      }
      analyzed++;
      if (time !== undefined) {
        if (from === undefined || time < from) from = time;
        if (to === undefined || time > to) to = time;
      }
      const level: LevelName = levelNames[r.level as keyof typeof levelNames] ?? "other";
      levels[level]++;
      const msg = r.msg ?? "";
      if (r.component === accessLog.component && msg === accessLog.msg) return request(r, time);
      known(r, msg);
      if (r.level !== undefined && r.level >= 40) {
        const err = errorMessage(r);
        const text = err !== undefined && err !== msg ? `${msg}: ${err}` : msg;
        problems.add(`${level} ${messageShape(text)}`, 1, text);
      }
    },
    report(): LogReport {
      const http = {
        requests: [...statuses.values()].reduce((a, b) => a + b, 0),
        statuses: Object.fromEntries(
          [...statuses.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => [String(s), n]),
        ),
        serverErrors: [...statuses.entries()]
          .filter(([s]) => s >= 500)
          .reduce((a, [, n]) => a + n, 0),
        routes: [...routes.entries()]
          .map(([route, r]) => ({ route, serverErrors: r.serverErrors, ...r.latency.figures() }))
          .sort((a, b) => b.count - a.count || (a.route < b.route ? -1 : 1))
          .slice(0, opts.top),
        slowest: slowest.list(),
      };
      const base = {
        lines: { total, analyzed, skipped, outsideWindow },
        window: {
          ...(from !== undefined && { from: new Date(from).toISOString() }),
          ...(to !== undefined && { to: new Date(to).toISOString() }),
        },
        levels: { ...levels },
        problems: problems.top(opts.top).map((p) => ({
          level: p.key.slice(0, p.key.indexOf(" ")) as LevelName,
          shape: p.key.slice(p.key.indexOf(" ") + 1),
          count: p.count,
          example: p.sample ?? "",
        })),
        http,
        security: {
          unauthorized: securityByStatus[401],
          forbidden: securityByStatus[403],
          rateLimited: securityByStatus[429],
          sources: security.top(opts.top).map((s) => ({
            status: s.sample?.status ?? 0,
            keyId: s.sample?.keyId ?? null,
            client: s.sample?.client ?? null,
            count: s.count,
          })),
        },
        projector: {
          ...projector,
          byProjection: [...projections.entries()]
            .map(([projection, p]) => ({ projection, ...p }))
            .sort((a, b) => (a.projection < b.projection ? -1 : 1)),
        },
        dispatcher: {
          ...dispatcher,
          steps: steps.top(opts.top).map((s) => ({ step: s.key, count: s.count })),
        },
        approximate: problems.approximate || security.approximate || steps.approximate,
      };
      return { ...base, recommendations: recommendations(base) };
    },
  };
}

export type LogAggregate = ReturnType<typeof logAggregate>;
