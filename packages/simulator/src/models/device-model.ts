import type { Rng } from "./rng.ts";

/** What a model's step may look at besides its state: the simulated time and its randomness. */
export interface ModelContext {
  readonly at: Date;
  readonly rng: Rng;
}

/** A command's outcome: the device's new state and what it answers (the command's result). */
export interface CommandEffect<S> {
  readonly state: S;
  readonly result: Record<string, unknown>;
}

/**
 * A kind of device, with no I/O: how its state starts, how it evolves over time, what it
 * reports, and how it answers commands. Everything random comes from the `rng` it is given,
 * so a seed replays the same device.
 *
 * @example
 * let s = thermostat.initial(rng, at);
 * s = thermostat.step(s, 5_000, { at, rng });
 * thermostat.readings(s); // { temperature: 20.4, humidity: 41, target: 21, … }
 * s = thermostat.command(s, "set_target", { temperature: 23 }, { at, rng }).state;
 */
export interface DeviceModel<S> {
  /** The type the device registers with. */
  readonly type: string;
  readonly description: string;
  /** The commands it accepts (declared at registration). */
  readonly capabilities: readonly string[];
  /** The metrics `readings` reports. */
  readonly metrics: readonly string[];
  /** How often a device of this kind reports by default. */
  readonly defaultIntervalMs: number;
  /** Reasons it gives when it reports an error. */
  readonly faultReasons: readonly string[];
  initial(rng: Rng, at: Date): S;
  /** The state `dtMs` later. */
  step(state: S, dtMs: number, ctx: ModelContext): S;
  /** The numeric readings of a state, as telemetry. */
  readings(state: S): Record<string, number>;
  /** Applies a command; throws CommandRejectedError for an unknown name or bad params. */
  command(
    state: S,
    name: string,
    params: Record<string, unknown>,
    ctx: ModelContext,
  ): CommandEffect<S>;
}

/** A model whose state type does not matter to the caller (registries, twins). */
// biome-ignore lint/suspicious/noExplicitAny: state types differ per model; a twin keeps model and state together
export type AnyDeviceModel = DeviceModel<any>;

/** A command the device will not carry out; `code` travels in the command's error. */
export class CommandRejectedError extends Error {
  override readonly name = "CommandRejectedError";
  constructor(
    readonly code: "UNKNOWN_COMMAND" | "INVALID_PARAMS",
    message: string,
  ) {
    super(message);
  }
}

export function unknownCommand(type: string, name: string): CommandRejectedError {
  return new CommandRejectedError("UNKNOWN_COMMAND", `a ${type} has no command "${name}"`);
}

/**
 * A number parameter within bounds, under the first of `names` present.
 *
 * @example
 * numberParam(params, ["level", "brightness"], 0, 100); // 40, or throws INVALID_PARAMS
 */
export function numberParam(
  params: Record<string, unknown>,
  names: readonly string[],
  min: number,
  max: number,
): number {
  const name = names.find((n) => params[n] !== undefined) ?? names[0]!;
  const raw = params[name];
  const value = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : raw;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    throw new CommandRejectedError(
      "INVALID_PARAMS",
      `${name}: must be a number from ${min} to ${max} (got ${JSON.stringify(raw)})`,
    );
  }
  return value;
}

/** A boolean parameter (`true`/`false`, `"on"`/`"off"`, 1/0). */
export function booleanParam(params: Record<string, unknown>, name: string): boolean {
  const raw = params[name];
  if (raw === true || raw === "on" || raw === "true" || raw === 1) return true;
  if (raw === false || raw === "off" || raw === "false" || raw === 0) return false;
  throw new CommandRejectedError(
    "INVALID_PARAMS",
    `${name}: must be true or false (got ${JSON.stringify(raw)})`,
  );
}

/** One of a fixed set of strings. */
export function choiceParam<T extends string>(
  params: Record<string, unknown>,
  name: string,
  choices: readonly T[],
): T {
  const raw = params[name];
  if (typeof raw === "string" && (choices as readonly string[]).includes(raw)) return raw as T;
  throw new CommandRejectedError(
    "INVALID_PARAMS",
    `${name}: must be one of ${choices.join(", ")} (got ${JSON.stringify(raw)})`,
  );
}
