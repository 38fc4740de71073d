import { runUaip } from "../hub/run-uaip.ts";
import type { ChaosEnv } from "../scenario/chaos-env.ts";

/** What `uaip projections verify --json` said. */
export interface VerifyOutcome {
  /** Rows that differ from a fresh fold, over every projection verified. */
  readonly drift: number;
  readonly exitCode: number | null;
  readonly reports: readonly { projection: string; position: number; drift: number }[];
  /** Set when the command gave no report to judge (crashed, timed out, printed no JSON). */
  readonly error?: string;
  /** A few differing rows, for the report. */
  readonly samples: readonly string[];
}

interface Report {
  projection: string;
  position: number;
  drift: number;
  tables?: { table: string; samples?: { side: string; row: unknown }[] }[];
}

/**
 * Runs the real `uaip projections verify --json` against the scenario's services: every
 * projection it knows (the Redis one too, once verify supports it) is folded from the log
 * and compared with the live read model. Exit 0 means zero drift.
 */
export async function verifyProjections(env: ChaosEnv): Promise<VerifyOutcome> {
  const out = await runUaip(
    ["projections", "verify", "--json"],
    env.hubEnv({ LOG_LEVEL: "error" }),
    300_000,
  );
  // Only the report is wanted: skip anything a command might print before it.
  const start = out.stdout.indexOf("[");
  let reports: Report[] | undefined;
  try {
    if (start >= 0) reports = JSON.parse(out.stdout.slice(start)) as Report[];
  } catch {
    reports = undefined;
  }
  if (!reports || (out.code !== 0 && out.code !== 1)) {
    const why = (out.stderr.trim() || out.stdout.trim()).split("\n").slice(-3).join(" | ");
    return {
      drift: 0,
      exitCode: out.code,
      reports: [],
      samples: [],
      error: `verify exited ${out.code} without a report: ${why}`,
    };
  }
  const samples = reports.flatMap((r) =>
    (r.tables ?? []).flatMap((t) =>
      (t.samples ?? []).map(
        (s) => `${r.projection}.${t.table} ${s.side}: ${JSON.stringify(s.row)}`,
      ),
    ),
  );
  const drift = reports.reduce((n, r) => n + r.drift, 0);
  return {
    drift,
    exitCode: out.code,
    reports: reports.map((r) => ({
      projection: r.projection,
      position: r.position,
      drift: r.drift,
    })),
    samples: samples.slice(0, 6),
    ...(out.code === 1 && drift === 0 ? { error: "verify exited 1 with zero drift reported" } : {}),
  };
}
