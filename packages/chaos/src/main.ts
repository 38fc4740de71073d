/**
 * `npm run chaos [-- --quick] [--only a,b] [--json] [--seed N]`: runs the fault scenarios,
 * each on private services of its own, prints a line per step and a results table, and
 * writes JSON + Markdown to packages/chaos/results/. Exit 1 if any scenario fails.
 */
import { Command, Option } from "commander";
import { uaipBin } from "./hub/hub-process.ts";
import { runUaip } from "./hub/run-uaip.ts";
import { renderTable, resultColumns, resultRows } from "./report/results-table.ts";
import { defaultResultsDir, writeResults } from "./report/write-results.ts";
import type { ChaosEnv } from "./scenario/chaos-env.ts";
import { runScenario } from "./scenario/run-scenario.ts";
import type { ScenarioResult } from "./scenario/scenario.ts";
import { scenarios } from "./scenarios/all-scenarios.ts";

interface Options {
  quick?: boolean;
  only?: string;
  json?: boolean;
  seed?: string;
}

const program = new Command("chaos")
  .description(
    "Break NATS, PostgreSQL, Redis and hub processes on private instances under load, then check zero loss, zero drift, zero double-apply and recovery",
  )
  .option("--quick", "CI-sized: smaller loads, one repetition of each fault, shorter outages")
  .addOption(
    new Option(
      "--only <names>",
      `comma-separated scenarios: ${scenarios.map((s) => s.name).join(", ")}`,
    ),
  )
  .option("--json", "print the results as JSON on stdout (progress stays on stderr)")
  .option("--seed <n>", "seed of the random choices (kill points, event mix), to replay a run")
  .addHelpText(
    "after",
    `
Scenarios:
${scenarios.map((s) => `  ${s.name.padEnd(18)} ${s.fault}\n  ${"".padEnd(18)} → ${s.expects}`).join("\n")}

Each scenario starts its own nats-server, PostgreSQL (initdb in a temp folder, as the
postgres user when run as root) and redis-server on free loopback ports, and runs the real
\`uaip start\` processes against them; the machine's shared services are never touched.
Everything started is stopped and its folder removed, on failure and on Ctrl-C too; the
logs of a failed scenario are kept in ${defaultResultsDir}logs/<scenario>/.

Examples:
  npm run chaos
  npm run chaos -- --quick
  npm run chaos -- --only postgres-stop,redis-restart --seed 7`,
  )
  .action(async (opts: Options) => {
    process.exitCode = await main(opts);
  });

async function main(opts: Options): Promise<number> {
  const names = opts.only
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names?.filter((n) => !scenarios.some((s) => s.name === n)) ?? [];
  if (unknown.length > 0) {
    process.stderr.write(
      `chaos: --only: unknown scenario ${unknown.map((u) => `"${u}"`).join(", ")}; one of ${scenarios.map((s) => s.name).join(", ")}\n`,
    );
    return 2;
  }
  const seed = opts.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(opts.seed);
  if (!Number.isInteger(seed) || seed < 0) {
    process.stderr.write(`chaos: --seed: must be a whole number ≥ 0 (got "${opts.seed}")\n`);
    return 2;
  }
  const chosen = names ? scenarios.filter((s) => names.includes(s.name)) : scenarios;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const startedAt = new Date();
  log(`chaos: ${chosen.length} scenarios, ${opts.quick ? "quick" : "full size"}, seed ${seed}`);

  // The CLI bundles itself on first use: do it once now, not inside a timed scenario.
  const warm = await runUaip(["--help"], { ...(process.env as Record<string, string>) }, 120_000);
  if (warm.code !== 0) {
    log(`chaos: ${uaipBin} --help failed: ${warm.stderr.trim()}`);
    return 1;
  }

  let current: ChaosEnv | undefined;
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) process.exit(130); // a second Ctrl-C: the exit hooks kill what is left
    interrupted = true;
    log(`chaos: ${signal}: stopping everything`);
    // The scenario's services, hub processes and folder go first; then the run ends.
    void (current?.close() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const results: ScenarioResult[] = [];
  for (const scenario of chosen) {
    const result = await runScenario(scenario, {
      quick: opts.quick ?? false,
      seed,
      log,
      logsDir: `${defaultResultsDir}logs`,
      onEnv: (env) => {
        current = env;
      },
    });
    results.push(result);
    log(
      `chaos: ${scenario.name} ${result.passed ? "passed" : "FAILED"} in ${result.seconds} s${result.failures.map((f) => `\n  - ${f}`).join("")}`,
    );
  }
  const seconds = (Date.now() - startedAt.getTime()) / 1000;
  const file = await writeResults(results, {
    quick: opts.quick ?? false,
    ...(names ? { only: names } : {}),
    seed,
    seconds,
    startedAt: startedAt.toISOString(),
  });
  const table = renderTable(resultColumns, resultRows(results));
  if (opts.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  else process.stdout.write(`\n${table}\n\n`);
  log(
    `chaos: ${results.filter((r) => r.passed).length}/${results.length} passed in ${seconds.toFixed(0)} s; wrote ${file}`,
  );
  return results.every((r) => r.passed) ? 0 : 1;
}

await program.parseAsync();
