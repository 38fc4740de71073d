import type { LogReport } from "./log-report.ts";

/** Where a figure becomes worth a recommendation. */
export const thresholds = {
  /** Share of requests answered 5xx. */
  serverErrorRate: 0.01,
  /** A route's p99, in ms, over at least `minRouteRequests` requests. */
  routeP99Ms: 1_000,
  minRouteRequests: 20,
  /** 401 answers to one client (or key). */
  unauthorizedFromOne: 20,
  /** 429 answers to one key. */
  rateLimitedForOne: 20,
  /** Share of lines that are not JSON log lines. */
  skippedRate: 0.1,
} as const;

const pct = (n: number) => `${(n * 100).toFixed(n < 0.1 ? 2 : 1)} %`;

/**
 * What an operator should look at, drawn from the figures: each line says what was seen
 * and where to go next. Empty when nothing stands out.
 *
 * @example
 * recommendations(report); // ["5xx on 2.40 % of requests (12 of 500): …"]
 */
export function recommendations(r: Omit<LogReport, "recommendations">): string[] {
  const out: string[] = [];
  const { http, security, projector, dispatcher } = r;
  if (http.requests > 0 && http.serverErrors / http.requests > thresholds.serverErrorRate) {
    const worst = [...http.routes].sort((a, b) => b.serverErrors - a.serverErrors)[0];
    out.push(
      `5xx on ${pct(http.serverErrors / http.requests)} of requests (${http.serverErrors} of ${http.requests}, above ${pct(thresholds.serverErrorRate)})${worst && worst.serverErrors > 0 ? `, most on ${worst.route} (${worst.serverErrors})` : ""}: read the top errors above and \`uaip health watch\` the hub's components`,
    );
  }
  for (const route of http.routes) {
    if (route.count >= thresholds.minRouteRequests && route.p99 > thresholds.routeP99Ms)
      out.push(
        `${route.route}: p99 ${(route.p99 / 1000).toFixed(2)} s over ${route.count} requests (above ${thresholds.routeP99Ms / 1000} s): look at the slowest requests by request id, the DB query latency and the PostgreSQL pool`,
      );
  }
  for (const s of security.sources) {
    if (s.status === 401 && s.count >= thresholds.unauthorizedFromOne)
      out.push(
        `${s.count} answers 401 to client ${s.client ?? "?"}${s.keyId ? ` (key ${s.keyId})` : ""}: a client with a wrong or revoked key, or someone guessing keys; \`uaip keys list\` and block the address if it is not yours`,
      );
    if (s.status === 429 && s.count >= thresholds.rateLimitedForOne)
      out.push(
        `${s.count} answers 429 to key ${s.keyId ?? "?"} (client ${s.client ?? "?"}): the client goes past API_RATE_LIMIT; slow it down or raise the limit`,
      );
  }
  if (security.forbidden > 0)
    out.push(
      `${security.forbidden} answers 403: keys used beyond their scope; check the sources above against \`uaip keys list\``,
    );
  if (projector.retries + projector.unavailable > 0)
    out.push(
      `the projectors retried ${projector.retries} batches${projector.unavailable > 0 ? ` and waited ${projector.unavailable} times for their stores` : ""}: check PostgreSQL (connections, locks, disk) and NATS; \`uaip projections status\` shows the lag`,
    );
  if (projector.deadLetters > 0)
    out.push(
      `${projector.deadLetters} events rejected into the dead letters: \`uaip replay --stream deadletter\` shows them with their reasons`,
    );
  if (projector.stopped > 0)
    out.push(
      `a projector stopped on an error ${projector.stopped} times: its error is in the top errors; \`uaip projections status\``,
    );
  if (dispatcher.retries + dispatcher.failedSteps + dispatcher.restarts > 0)
    out.push(
      `the dispatcher retried ${dispatcher.retries} appends, ${dispatcher.failedSteps} delivery steps failed and it restarted ${dispatcher.restarts} times: check NATS (JetStream) and the devices' connections`,
    );
  if (dispatcher.expiryFailures > 0)
    out.push(
      `${dispatcher.expiryFailures} command expiries could not be recorded: check NATS JetStream; the commands stay open until recorded`,
    );
  if (r.levels.fatal > 0)
    out.push(`${r.levels.fatal} fatal lines: a process ended on them; see the top errors`);
  if (r.lines.total > 0 && r.lines.skipped / r.lines.total > thresholds.skippedRate)
    out.push(
      `${pct(r.lines.skipped / r.lines.total)} of the lines are not JSON log lines: is this the hub's log (LOG_LEVEL, a log shipper's wrapping)?`,
    );
  return out;
}
