/** A hub process (`uaip start`) exited, or never said it started. */
export class HubProcessError extends Error {
  override readonly name = "HubProcessError";
  constructor(
    /** The process's name in the scenario, e.g. `projectors-2`. */
    readonly process: string,
    message: string,
    /** The last lines it logged, for the report. */
    readonly lastLines: readonly string[],
  ) {
    super(lastLines.length > 0 ? `${message}; last log: ${lastLines.join(" | ")}` : message);
  }
}

/** A one-shot `uaip …` command failed in a way the scenario cannot judge (not a drift report). */
export class UaipCommandError extends Error {
  override readonly name = "UaipCommandError";
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(
      `uaip ${args.join(" ")} exited ${exitCode}: ${stderr.trim().split("\n").slice(-3).join(" | ")}`,
    );
  }
}
