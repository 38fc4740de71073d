import type { AckedEvent } from "../load/acked-event.ts";
import type { ChaosEnv } from "../scenario/chaos-env.ts";
import type { ScenarioRecord } from "../scenario/scenario.ts";
import { lostEvents } from "./acked-in-log.ts";
import { doubleApplyChecks } from "./double-apply.ts";
import { waitCaughtUp } from "./projection-positions.ts";
import { redisMismatches } from "./redis-matches.ts";
import { readStreamLog, type StreamLog } from "./stream-log.ts";
import { verifyProjections } from "./verify-projections.ts";

/**
 * The checks every scenario ends with, once its faults are over and its load is done:
 * 1. every projection catches up with the log;
 * 2. every acknowledged event is in the log, at the sequence its ack named, under its msg id;
 * 3. `uaip projections verify` finds zero drift, and every Redis snapshot equals its row;
 * 4. nothing was applied twice (see doubleApplyChecks);
 * 5. every hub process that was not killed on purpose still runs.
 * Each failed check becomes a line in `record.failures`; the logs read are returned.
 */
export async function finalChecks(
  env: ChaosEnv,
  record: ScenarioRecord,
  acks: readonly AckedEvent[],
  step: (line: string) => void,
): Promise<{ devices: StreamLog; telemetry: StreamLog; commands: StreamLog } | undefined> {
  step("final checks: waiting for every projection to catch up");
  try {
    await waitCaughtUp(env, { timeoutMs: 120_000 });
  } catch (err) {
    record.check(false, (err as Error).message);
  }

  step("final checks: reading the log back");
  const [devices, telemetry, commands] = await Promise.all(
    (["devices", "telemetry", "commands"] as const).map((k) =>
      readStreamLog(env.js, env.jsm, env.stream(k), env.subjects),
    ),
  );
  if (!devices || !telemetry || !commands) return undefined;
  const logs = new Map([devices, telemetry, commands].map((l) => [l.stream, l]));
  const lost = lostEvents(acks, logs);
  record.lost = lost.length;
  record.check(
    lost.length === 0,
    `${lost.length} acknowledged events are not in the log, e.g. ${lost
      .slice(0, 3)
      .map(
        (l) =>
          `${l.event.stream}#${l.event.seq} ${l.event.msgId} (found ${JSON.stringify(l.found ?? null)})`,
      )
      .join("; ")}`,
  );

  step("final checks: uaip projections verify");
  const verify = await verifyProjections(env);
  const mismatches = await redisMismatches(env);
  record.drift = verify.drift + mismatches.length;
  record.observations.verify = verify.reports;
  if (verify.error) record.check(false, verify.error);
  record.check(
    verify.drift === 0,
    `verify: ${verify.drift} rows drift (${verify.reports
      .filter((r) => r.drift > 0)
      .map((r) => `${r.projection} ${r.drift}`)
      .join(", ")}); ${verify.samples.slice(0, 2).join("; ")}`,
  );
  record.check(
    mismatches.length === 0,
    `redis: ${mismatches.length} device snapshots differ from their devices row, e.g. ${mismatches
      .slice(0, 3)
      .map((m) => `${m.id} redis v${m.redisVersion ?? "(none)"} / postgres v${m.postgresVersion}`)
      .join(", ")}`,
  );

  step("final checks: double-apply");
  const doubled = await doubleApplyChecks(env, { devices, telemetry });
  record.doubleApplied = doubled.doubleApplied;
  record.check(
    doubled.doubleApplied === 0 && doubled.underApplied === 0,
    `read models vs the log: ${doubled.doubleApplied} double-applied, ${doubled.underApplied} missing: ${doubled.details.slice(0, 4).join("; ")}`,
  );

  for (const hub of env.hubs) {
    if (hub.killedOnPurpose || hub.alive) continue;
    record.check(false, `${hub.name} (pid ${hub.pid}) died: ${hub.deathNote()}`);
  }
  return { devices, telemetry, commands };
}
