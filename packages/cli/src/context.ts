import { ConfigError, createLogger, type HubConfig, type Logger, loadConfig } from "@uaip/platform";

/** A bad flag or argument: reported as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** A failure the command already logged (as JSON, with its cause chain): exit 1, nothing more said. */
export class LoggedError extends Error {
  override readonly name = "LoggedError";
  constructor(cause: unknown) {
    super((cause as Error)?.message ?? String(cause), { cause });
  }
}

export interface CliContext {
  readonly config: HubConfig;
  readonly logger: Logger;
}

/**
 * Parses the environment once for this command (overrides win over the environment).
 * Logs go to stderr, so a command's stdout carries only its output; the long-running hub
 * (`uaip start`, `uaip dev`) passes `"stdout"`, as servers conventionally log there.
 */
export function cliContext(
  overrides: Record<string, string> = {},
  logTo: "stdout" | "stderr" = "stderr",
): CliContext {
  const config = loadConfig({ ...process.env, ...overrides });
  return { config, logger: createLogger(config.logLevel, "uaip", logTo) };
}

/**
 * Runs a command body and turns failures into one line on stderr and an exit code:
 * 2 for bad configuration or usage, 1 for everything else (a service that does not answer
 * is a ServiceUnreachableError, whose message names it and its URL).
 */
export async function run(body: () => Promise<unknown>): Promise<void> {
  try {
    const code = await body();
    process.exitCode = typeof code === "number" ? code : 0;
  } catch (err) {
    if (err instanceof LoggedError) {
      process.exitCode = 1;
      return;
    }
    if (err instanceof ConfigError || err instanceof UsageError) {
      process.stderr.write(`uaip: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    const e = err as Error & { code?: string };
    const hint =
      e.code === "ECONNREFUSED" ? " (is the service running? `uaip dev` starts local ones)" : "";
    process.stderr.write(`uaip: ${e.message || String(err)}${hint}\n`);
    process.exitCode = 1;
  }
}

/** Resolves on the first SIGINT or SIGTERM. */
export function shutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
}
