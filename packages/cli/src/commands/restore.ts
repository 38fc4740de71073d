import { createInterface } from "node:readline";
import {
  isRestoreRefused,
  planRestore,
  type RestorePlan,
  type RestoreReport,
  restoreBackup,
} from "@uaip/history";
import { Command } from "commander";
import { ensureDatabaseOf, withConnections } from "../connections.ts";
import { cliContext, run } from "../context.ts";
import { formatBytes, table } from "../output.ts";
import { progressBar } from "../progress.ts";

interface RestoreFlags {
  yes?: boolean;
  force?: boolean;
  json?: boolean;
}

/** The first line on stdin ("" when stdin ends first), after printing `prompt` to stderr. */
function ask(prompt: string): Promise<string> {
  process.stderr.write(prompt);
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, terminal: false });
    let answered = false;
    rl.once("line", (line) => {
      answered = true;
      rl.close();
      resolve(line.trim());
    });
    rl.once("close", () => {
      if (!answered) resolve("");
    });
  });
}

function describePlan(plan: RestorePlan): string {
  const m = plan.manifest;
  const lines = [
    `backup ${plan.dir}`,
    `  namespace ${m.namespace}, taken ${m.createdAt}${m.natsServer ? ` on nats-server ${m.natsServer}` : ""}`,
    table(
      ["stream", "messages", "first seq", "last seq", "size", "on the server now"],
      m.streams.map((s) => {
        const existing = plan.streams.find((p) => p.name === s.name)?.existing;
        return [
          s.name,
          s.messages,
          s.firstSeq,
          s.lastSeq,
          formatBytes(s.file.bytes),
          existing === undefined ? "absent" : `${existing} messages: REPLACED`,
        ];
      }),
    ),
    "then: migrate the database, rebuild every projection from the restored log, verify each",
  ];
  if (plan.runningProjectors.length > 0)
    lines.push(`warning: projectors are running (${plan.runningProjectors.join(", ")})`);
  return lines.join("\n");
}

function describeReport(report: RestoreReport): string {
  return [
    table(
      ["stream", "messages", "expected", "last seq", "expected", "seconds", "check"],
      report.streams.map((s) => [
        s.name,
        s.messages,
        s.expectedMessages,
        s.lastSeq,
        s.expectedLastSeq,
        s.seconds.toFixed(1),
        s.messages === s.expectedMessages && s.lastSeq === s.expectedLastSeq ? "ok" : "MISMATCH",
      ]),
    ),
    ...(report.created.length > 0 ? [`created empty: ${report.created.join(", ")}`] : []),
    table(
      ["projection", "position", "events", "rebuild s", "verify s", "drift"],
      report.projections.map((p) => [
        p.name,
        p.position,
        p.events,
        p.rebuildSeconds.toFixed(1),
        p.verifySeconds.toFixed(1),
        p.drift === 0 ? "none" : p.drift,
      ]),
    ),
    report.ok
      ? `restored in ${report.seconds.toFixed(1)} s: every stream matches the manifest, no projection drifts`
      : "restore finished WITH PROBLEMS: see MISMATCH / drift above",
  ].join("\n");
}

/**
 * `uaip restore DIR`: checks every file of a backup, shows what it will do, asks (unless
 * --yes), restores the streams, then rebuilds and verifies every projection.
 */
export function restoreCommand(): Command {
  return new Command("restore")
    .description(
      "Restore the event log from a backup folder, then rebuild and verify every projection",
    )
    .argument("<dir>", "a backup folder made by `uaip backup`")
    .option("--yes", "do not ask for confirmation")
    .option("--force", "replace streams that exist (and go ahead while projectors run)")
    .option("--json", "print the report as JSON")
    .addHelpText(
      "after",
      `
Before anything is touched, every file is checked against the manifest (present, same size,
same sha256) and the manifest against its own checksum: a partial or corrupt backup is
refused with the reason and exit code 1. A stream that exists is never overwritten without
--force. Stop the hub first: the read models are rebuilt from the restored log (live
checkpoints reset, shadow build, atomic swap) and then verified.

Example:
  uaip restore backups/uaip-backup-uaip-20261121T101500000Z --yes`,
    )
    .action((dir: string, flags: RestoreFlags) =>
      run(async () => {
        const ctx = cliContext();
        await ensureDatabaseOf(ctx.config);
        return withConnections(ctx, async (c) => {
          const deps = {
            ...c,
            namespace: ctx.config.namespace,
            logger: ctx.logger.child({}, { level: "warn" }),
            batchSize: ctx.config.projector.batchSize,
          };
          let plan: RestorePlan;
          try {
            plan = await planRestore(deps, dir, { force: flags.force ?? false });
          } catch (err) {
            if (!isRestoreRefused(err)) throw err;
            process.stderr.write(
              `uaip: restore refused, nothing was changed:\n${err.reasons.map((r) => `  - ${r}`).join("\n")}\n`,
            );
            return 1;
          }
          process.stderr.write(`${describePlan(plan)}\n`);
          if (!flags.yes) {
            const answer = await ask(
              `Restore ${plan.manifest.streams.length} streams into namespace ${plan.manifest.namespace}? [y/N] `,
            );
            if (!/^y(es)?$/i.test(answer)) {
              process.stderr.write("aborted: nothing was changed\n");
              return 1;
            }
          }
          let bar: ReturnType<typeof progressBar> | undefined;
          let current = "";
          const report = await restoreBackup(deps, plan, {
            onProgress: (p) => {
              const label = `${p.phase} ${p.name}`;
              if (label !== current) {
                bar?.stop();
                bar = progressBar(label);
                current = label;
              }
              bar?.update(p.done, Math.max(p.done, p.total));
            },
          }).finally(() => bar?.stop());
          if (flags.json) console.log(JSON.stringify(report, null, 2));
          else console.log(describeReport(report));
          return report.ok ? 0 : 1;
        });
      }),
    );
}
