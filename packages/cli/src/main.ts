import { Command } from "commander";
import { backupCommand } from "./commands/backup.ts";
import { devCommand } from "./commands/dev.ts";
import { devicesCommand } from "./commands/devices.ts";
import { docsCommand } from "./commands/docs.ts";
import { keysCommand } from "./commands/keys.ts";
import { migrateCommand } from "./commands/migrate.ts";
import { projectionsCommand } from "./commands/projections.ts";
import { replayCommand } from "./commands/replay.ts";
import { restoreCommand } from "./commands/restore.ts";
import { simulateCommand } from "./commands/simulate.ts";
import { startCommand } from "./commands/start.ts";
import { streamsCommand } from "./commands/streams.ts";

const program = new Command("uaip")
  .description("UAIP Hub: an event-sourced hub for fleets of connected devices, on NATS JetStream")
  .version("0.1.0")
  .showHelpAfterError("(add --help for usage)")
  .addHelpText(
    "after",
    `
Configuration is read from the environment (NATS_URL, DATABASE_URL, REDIS_URL, PORT,
UAIP_NAMESPACE, LOG_LEVEL, …); see README.md for the full table.

Getting started:
  uaip dev              run everything locally, starting services that are missing
  uaip streams status   what the event log holds
  uaip migrate status   which read-model migrations are applied`,
  );

program.addCommand(startCommand());
program.addCommand(devCommand());
program.addCommand(migrateCommand());
program.addCommand(streamsCommand());
program.addCommand(projectionsCommand());
program.addCommand(devicesCommand());
program.addCommand(keysCommand());
program.addCommand(replayCommand());
program.addCommand(backupCommand());
program.addCommand(restoreCommand());
program.addCommand(simulateCommand());
program.addCommand(docsCommand());

await program.parseAsync(process.argv);
