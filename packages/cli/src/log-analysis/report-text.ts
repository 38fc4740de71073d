import { table } from "../output.ts";
import type { LogReport } from "./log-report.ts";

const ms = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n} ms`);

/**
 * The report as an operator reads it: one titled section per figure, empty ones said in
 * a word, recommendations last.
 *
 * @example
 * process.stdout.write(reportText(await analyzeLog(stream, { top: 10 })));
 */
export function reportText(r: LogReport): string {
  const out: string[] = [];
  const section = (title: string, body: string) => out.push(`${title}\n${body}\n`);
  const { lines } = r;
  section(
    "Lines",
    `${lines.total} read, ${lines.analyzed} analysed, ${lines.skipped} not JSON log lines (skipped)${lines.outsideWindow > 0 ? `, ${lines.outsideWindow} before --since` : ""}${r.window.from ? `\nfrom ${r.window.from} to ${r.window.to}` : ""}`,
  );
  section("By level", table(Object.keys(r.levels), [Object.values(r.levels)]));
  section(
    "Top errors and warnings (by shape)",
    r.problems.length === 0
      ? "none"
      : table(
          ["count", "level", "message"],
          r.problems.map((p) => [p.count, p.level, p.shape]),
        ),
  );
  const { http } = r;
  section(
    "HTTP status",
    http.requests === 0
      ? "no access-log lines (component http, msg request)"
      : table(Object.keys(http.statuses), [Object.values(http.statuses)]),
  );
  if (http.requests > 0) {
    section(
      "Top routes (latency in ms)",
      table(
        ["route", "requests", "5xx", "p50", "p95", "p99", "max"],
        http.routes.map((x) => [x.route, x.count, x.serverErrors, x.p50, x.p95, x.p99, x.max]),
      ),
    );
    section(
      "Slowest requests",
      table(
        ["duration", "time", "method", "path", "status", "request id"],
        http.slowest.map((s) => [
          ms(s.durationMs),
          s.time,
          s.method,
          s.path ?? s.route,
          s.status,
          s.requestId,
        ]),
      ),
    );
  }
  const { security } = r;
  section(
    "Security",
    `401 unauthorized: ${security.unauthorized}, 403 forbidden: ${security.forbidden}, 429 rate-limited: ${security.rateLimited}${
      security.sources.length === 0
        ? ""
        : `\n${table(
            ["status", "key id", "client", "count"],
            security.sources.map((s) => [s.status, s.keyId, s.client, s.count]),
          )}`
    }`,
  );
  const { projector, dispatcher } = r;
  section(
    "Projector",
    `batch retries: ${projector.retries}, store unavailable: ${projector.unavailable}, dead letters: ${projector.deadLetters}, stopped on an error: ${projector.stopped}${
      projector.byProjection.length === 0
        ? ""
        : `\n${table(
            ["projection", "retries", "dead letters"],
            projector.byProjection.map((p) => [p.projection, p.retries, p.deadLetters]),
          )}`
    }`,
  );
  section(
    "Dispatcher",
    `append retries: ${dispatcher.retries}, failed steps (retried): ${dispatcher.failedSteps}, commands expired: ${dispatcher.expired}, expiries not recorded: ${dispatcher.expiryFailures}, session restarts: ${dispatcher.restarts}${
      dispatcher.steps.length === 0
        ? ""
        : `\n${table(
            ["step", "failures"],
            dispatcher.steps.map((s) => [s.step, s.count]),
          )}`
    }`,
  );
  section(
    "Recommendations",
    r.recommendations.length === 0
      ? "nothing stands out"
      : r.recommendations.map((x) => `- ${x}`).join("\n"),
  );
  if (r.approximate)
    out.push(
      "(some top lists were pruned to stay in bounded memory: their lower counts may be short)\n",
    );
  return out.join("\n");
}
