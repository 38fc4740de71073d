import { Command } from "commander";
import { backupCommand } from "./commands/backup.ts";
import { devCommand } from "./commands/dev.ts";
import { deviceCommand } from "./commands/device.ts";
import { devicesCommand } from "./commands/devices.ts";
import { docsCommand } from "./commands/docs.ts";
import { healthCommand } from "./commands/health-watch.ts";
import { keysCommand } from "./commands/keys.ts";
import { logsCommand } from "./commands/logs.ts";
import { migrateCommand } from "./commands/migrate.ts";
import { projectionsCommand } from "./commands/projections.ts";
import { replayCommand } from "./commands/replay.ts";
import { restoreCommand } from "./commands/restore.ts";
import { simulateCommand } from "./commands/simulate.ts";
import { startCommand } from "./commands/start.ts";
import { streamsCommand } from "./commands/streams.ts";
import { applyHelpStyle } from "./help-style.ts";

/** The whole `uaip` command tree, ready to parse (main.ts parses process.argv with it). */
export function uaipProgram(): Command {
  const program = new Command("uaip")
    .description(
      "UAIP Hub: an event-sourced hub for fleets of connected devices, on NATS JetStream",
    )
    .version("0.1.0")
    .addHelpText(
      "after",
      `
Configuration is read from the environment (NATS_URL, DATABASE_URL, REDIS_URL, PORT,
UAIP_NAMESPACE, LOG_LEVEL, …); see README.md for the full table. Logs are JSON lines on
stderr (on stdout for \`uaip start\` and \`uaip dev\`); stdout carries a command's output.
Exit codes: 0 done, 1 failed (a service that does not answer is named with its URL),
2 bad usage or configuration.

Getting started:
  uaip dev                  run everything locally, starting services that are missing
  uaip device status lamp-1 online
                            be a device: publish an event as it would
  uaip streams status       what the event log holds
  uaip projections status   how far each read model has got`,
    );

  program.addCommand(startCommand());
  program.addCommand(devCommand());
  program.addCommand(migrateCommand());
  program.addCommand(streamsCommand());
  program.addCommand(projectionsCommand());
  program.addCommand(deviceCommand());
  program.addCommand(devicesCommand());
  program.addCommand(keysCommand());
  program.addCommand(replayCommand());
  program.addCommand(backupCommand());
  program.addCommand(restoreCommand());
  program.addCommand(simulateCommand());
  program.addCommand(healthCommand());
  program.addCommand(logsCommand());
  program.addCommand(docsCommand());
  return applyHelpStyle(program);
}
