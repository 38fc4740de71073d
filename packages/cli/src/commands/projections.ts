import { verifyRedisProjection } from "@uaip/cache";
import { createRedis } from "@uaip/platform";
import { type Projection, projections } from "@uaip/projections";
import {
  rebuildProjection,
  type ShadowDeps,
  type VerifyReport,
  verifyProjection,
} from "@uaip/projector";
import { Command } from "commander";
import { type CliConnections, withConnections } from "../connections.ts";
import { type CliContext, cliContext, run, UsageError } from "../context.ts";
import { table } from "../output.ts";
import { progressBar } from "../progress.ts";
import { projectionStatusReport } from "../projection-status-report.ts";

function findProjection(name: string): Projection {
  const p = projections.find((x) => x.name === name);
  if (!p)
    throw new UsageError(
      `unknown projection "${name}": one of ${projections.map((x) => x.name).join(", ")}`,
    );
  return p;
}

/** What `verify` accepts: the PostgreSQL projections and the Redis caches. */
const verifiable = () => [...projections.map((p) => p.name), "redis"];

/** The Redis caches against a fold of the devices stream, on a connection of its own. */
async function verifyRedis(ctx: CliContext, c: CliConnections): Promise<VerifyReport> {
  const redis = createRedis(ctx.config.redisUrl, { name: "uaip-cli" });
  const bar = progressBar("verify redis");
  try {
    await redis.connect();
    return await verifyRedisProjection({
      redis,
      js: c.js,
      jsm: c.jsm,
      namespace: ctx.config.namespace,
      onProgress: (position) => bar.update(position, position),
    });
  } finally {
    bar.stop();
    redis.disconnect();
  }
}

function shadowDeps(
  ctx: CliContext,
  c: { db: ShadowDeps["db"]; js: ShadowDeps["js"]; jsm: ShadowDeps["jsm"] },
): ShadowDeps {
  return {
    ...c,
    namespace: ctx.config.namespace,
    logger: ctx.logger,
    batchSize: ctx.config.projector.batchSize,
  };
}

export function projectionsCommand(): Command {
  const cmd = new Command("projections").description(
    "Inspect, verify and rebuild the read models folded from the log",
  );
  cmd
    .command("status")
    .summary("Where each projection stands: checkpoint, lag, rejected events, state")
    .description(
      "Per projection (the PostgreSQL read models and the Redis cache): checkpoint, stream last sequence, pending events, lag, events/s, rejected events, state",
    )
    .option("--sample <ms>", "measure events/s over this window", "1000")
    .option("--json", "print JSON instead of a table")
    .addHelpText(
      "after",
      `
"rejected" counts the events a projection refused (malformed, or not foldable): each is in
the rejected_events table and the DEADLETTER stream with its reason. The Redis cache reads
the DEVICES stream and leaves recording them to the devices projection ("-").
The Redis cache's checkpoint is read from Redis: while Redis is down its row says
"unreachable" and the command exits 1. A projection whose checkpoint belongs to another
stream instance (the stream was deleted and created again, or the checkpoint is past its
end) is "halted": its worker applies nothing until \`uaip projections rebuild NAME\`; the
reason goes to stderr and the command exits 1.

Examples:
  uaip projections status
  uaip projections status --sample 0 --json`,
    )
    .action((opts: { sample: string; json?: boolean }) =>
      run(async () => {
        const sample = Number(opts.sample);
        if (!/^\d+$/.test(opts.sample.trim()) || !Number.isSafeInteger(sample))
          throw new UsageError(
            `--sample: must be a whole number of milliseconds (got "${opts.sample}")`,
          );
        const ctx = cliContext();
        const rows = await withConnections(ctx, (c) =>
          projectionStatusReport(c, ctx.config, sample),
        );
        const unreachable = rows.filter((r) => r.state === "unreachable");
        if (opts.json) console.log(JSON.stringify(rows, null, 2));
        else {
          console.log(
            table(
              [
                "projection",
                "stream",
                "checkpoint",
                "last seq",
                "pending",
                "lag (s)",
                "events/s",
                "rejected",
                "state",
              ],
              rows.map((s) =>
                s.state === "unreachable"
                  ? [s.name, s.stream, "", "", "", "", "", s.rejected, s.state]
                  : [
                      s.name,
                      s.stream,
                      s.checkpoint,
                      s.streamLastSeq,
                      s.pending,
                      s.lagSeconds,
                      s.eventsPerSecond,
                      s.rejected,
                      s.fault ? "halted" : s.owner ? `${s.state} (${s.owner})` : s.state,
                    ],
              ),
            ),
          );
        }
        for (const r of unreachable) if ("error" in r) process.stderr.write(`uaip: ${r.error}\n`);
        const halted = rows.filter((r) => "fault" in r && r.fault !== undefined);
        for (const r of halted)
          if ("fault" in r) process.stderr.write(`uaip: halted: ${r.fault}\n`);
        return unreachable.length > 0 || halted.length > 0 ? 1 : 0;
      }),
    );
  cmd
    .command("rebuild")
    .argument("<name>", `projection: ${projections.map((p) => p.name).join(", ")}`)
    .description(
      "Rebuild from sequence 0 into shadow tables while the live ones keep serving, then swap atomically",
    )
    .addHelpText(
      "after",
      `
Readers keep querying the live tables during the rebuild and never see an empty or partial
table: the swap happens in one transaction. A running projector notices the new checkpoint
and carries on from it. Safe to run while the hub is up. Also the fix for a projection halted
because its checkpoint belongs to another stream instance (see \`uaip projections status\`).

When the stream's retention has removed its oldest events, telemetry keeps the roll-ups of
those minutes from the live tables (and says how many rows); the other projections need the
whole log and refuse, naming the first sequence left.`,
    )
    .action((name: string) =>
      run(async () => {
        const projection = findProjection(name);
        const ctx = cliContext();
        const bar = progressBar(`rebuild ${name}`);
        const report = await withConnections(ctx, (c) =>
          rebuildProjection(shadowDeps(ctx, c), projection, (p) =>
            bar.update(p.position, p.target),
          ),
        ).finally(() => bar.stop());
        console.log(
          `rebuilt ${report.projection}: ${report.events} events in ${report.seconds.toFixed(1)} s (${Math.round(report.events / Math.max(report.seconds, 0.001))} ev/s), live at sequence ${report.position}; readers held ${Math.round(report.swapMs)} ms by the swap`,
        );
        if (report.carriedOver)
          console.log(
            `kept from the live tables, not recomputed (the stream's retention removed their events): ${report.carriedOver.rows} rows, ${report.carriedOver.what}`,
          );
      }),
    );
  cmd
    .command("verify")
    .argument("[names...]", `projections to verify: ${verifiable().join(", ")} (default: all)`)
    .description(
      "Fold the log from scratch and compare with the live read model; exit 1 on any drift",
    )
    .addHelpText(
      "after",
      `
redis folds the devices stream in memory and compares every device hash, the online and type
sets and the counters under the namespace with it, each key read together with the Redis
checkpoint it is compared at, while the projection keeps running. Exit 1 also when a
projection cannot be compared (its checkpoint does not belong to the stream).`,
    )
    .option("--json", "print the reports as JSON")
    .action((names: string[], opts: { json?: boolean }) =>
      run(async () => {
        for (const name of names)
          if (!verifiable().includes(name))
            throw new UsageError(`unknown projection "${name}": one of ${verifiable().join(", ")}`);
        const all = names.length === 0;
        const chosen = all
          ? [...projections]
          : names.filter((n) => n !== "redis").map(findProjection);
        const ctx = cliContext();
        const reports = await withConnections(ctx, async (c) => {
          const out: VerifyReport[] = [];
          for (const projection of chosen) {
            const bar = progressBar(`verify ${projection.name}`);
            try {
              out.push(
                await verifyProjection(shadowDeps(ctx, c), projection, (position) =>
                  bar.update(position, position),
                ),
              );
            } finally {
              bar.stop();
            }
          }
          if (all || names.includes("redis")) out.push(await verifyRedis(ctx, c));
          return out;
        });
        if (opts.json) console.log(JSON.stringify(reports, null, 2));
        else {
          for (const r of reports) {
            const unit = r.projection === "redis" ? "entries" : "rows";
            const verdict = r.fault
              ? `cannot compare: ${r.fault}`
              : r.drift === 0
                ? "no drift"
                : `${r.drift} ${unit} differ`;
            console.log(`${r.projection} at sequence ${r.position}: ${verdict}`);
            if (r.carriedOver)
              console.log(
                `  not recomputed (the stream's retention removed their events): ${r.carriedOver.rows} rows, ${r.carriedOver.what}`,
              );
            for (const t of r.tables) {
              console.log(
                `  ${t.table}: ${t.liveRows} live, ${t.expectedRows} expected, ${t.missing} missing, ${t.unexpected} unexpected`,
              );
              for (const s of t.samples) console.log(`    ${s.side}: ${JSON.stringify(s.row)}`);
            }
          }
        }
        return reports.some((r) => r.drift > 0 || r.fault !== undefined) ? 1 : 0;
      }),
    );
  return cmd;
}
