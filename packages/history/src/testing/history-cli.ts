/**
 * The `uaip` program with only the history commands, for child-process tests of
 * `replay`, `backup` and `restore` before (and independently of) their registration in
 * packages/cli/src/main.ts. Run: node --import tsx history-cli.ts replay --help
 */
import { Command } from "commander";
import { backupCommand } from "../../../cli/src/commands/backup.ts";
import { replayCommand } from "../../../cli/src/commands/replay.ts";
import { restoreCommand } from "../../../cli/src/commands/restore.ts";

const program = new Command("uaip").showHelpAfterError("(add --help for usage)");
program.addCommand(replayCommand());
program.addCommand(backupCommand());
program.addCommand(restoreCommand());
await program.parseAsync(process.argv);
