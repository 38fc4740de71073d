import { join } from "node:path";
import { createRng } from "../rng.ts";
import { ChaosEnv } from "./chaos-env.ts";
import { newRecord, type Scenario, type ScenarioResult } from "./scenario.ts";

export interface RunOptions {
  readonly quick: boolean;
  readonly seed: number;
  /** Progress lines. */
  readonly log: (line: string) => void;
  /** Where the logs of a failed scenario are kept (`<dir>/<scenario>/`). */
  readonly logsDir: string;
  /** Registers the scenario's env, so an interrupt can close it. */
  readonly onEnv?: (env: ChaosEnv | undefined) => void;
}

/**
 * Runs one scenario to its end and closes everything it started, whatever happened. A
 * throw inside the scenario is a failure of it.
 */
export async function runScenario(scenario: Scenario, opts: RunOptions): Promise<ScenarioResult> {
  const started = Date.now();
  const record = newRecord();
  const step = (line: string) =>
    opts.log(`[${scenario.name} ${((Date.now() - started) / 1000).toFixed(1)}s] ${line}`);
  let env: ChaosEnv | undefined;
  try {
    await scenario.run({
      quick: opts.quick,
      rng: createRng(opts.seed),
      step,
      record,
      elapsed: () => Date.now() - started,
      async open(options = {}) {
        if (env) return env;
        step("starting private nats-server, PostgreSQL and redis-server");
        env = await ChaosEnv.open({ ...options, scenario: scenario.name, log: step });
        opts.onEnv?.(env);
        return env;
      },
    });
  } catch (err) {
    record.check(
      false,
      `scenario error: ${(err as Error).stack?.split("\n").slice(0, 3).join(" ") ?? err}`,
    );
  }
  const hubs = env?.hubs ?? [];
  const expected = hubs.filter((h) => !h.killedOnPurpose);
  const processes = { alive: expected.filter((h) => h.alive).length, expected: expected.length };
  const passed = record.failures.length === 0;
  const keepLogs = passed ? undefined : join(opts.logsDir, scenario.name);
  if (env) {
    step(keepLogs ? `stopping everything (logs kept in ${keepLogs})` : "stopping everything");
    await env.close(keepLogs).catch((err: Error) => step(`cleanup: ${err.message}`));
    opts.onEnv?.(undefined);
  }
  const recoveries = record.faults.map((f) => f.recoveryMs);
  return {
    scenario: scenario.name,
    passed,
    quick: opts.quick,
    seed: opts.seed,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    eventsUnderLoad: record.eventsAcked,
    eventsSent: record.eventsSent,
    recoveryMs:
      recoveries.length === 0 || recoveries.some((r) => r === null)
        ? null
        : Math.max(...(recoveries as number[])),
    lost: record.lost,
    drift: record.drift,
    doubleApplied: record.doubleApplied,
    processes,
    faults: record.faults,
    failures: record.failures,
    observations: record.observations,
  };
}
