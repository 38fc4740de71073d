import { type Command, Help, type Option } from "commander";

const helpHint = "(add --help for usage)";

/** `--name <name>` of `-n, --name <name>`: how a required option is shown in a usage line. */
function usageFlag(o: Option): string {
  return o.flags.split(/,\s*|\s*\|\s*/).at(-1) ?? o.flags;
}

/**
 * Gives `cmd` and every command below it the same help and error behaviour (commander copies
 * settings only into commands made with `.command()`, not into ones added with `addCommand`):
 *
 * - a required option says so, in the usage line (`uaip keys create --name <name> [options]`)
 *   and in its description (`(required)`);
 * - a usage error (unknown option, missing argument or required option) prints what is
 *   wrong, then `(add --help for usage)`, and exits 2 like every other usage error; help and
 *   `--version` exit 0.
 */
export function applyHelpStyle(cmd: Command): Command {
  cmd
    .configureHelp({
      optionDescription(option) {
        const base = Help.prototype.optionDescription.call(this, option);
        return option.mandatory ? `${base} (required)` : base;
      },
      commandUsage(c) {
        const base = Help.prototype.commandUsage.call(this, c);
        const required = c.options.filter((o) => o.mandatory).map(usageFlag);
        return required.length === 0
          ? base
          : base.replace("[options]", `${required.join(" ")} [options]`);
      },
    })
    .showHelpAfterError(helpHint)
    .exitOverride((err) => {
      process.exit(err.exitCode === 0 ? 0 : 2);
    });
  for (const sub of cmd.commands) applyHelpStyle(sub);
  return cmd;
}
