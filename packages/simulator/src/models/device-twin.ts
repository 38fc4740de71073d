import type { AnyDeviceModel } from "./device-model.ts";
import type { Rng } from "./rng.ts";
import { chanceIn } from "./signals.ts";

/** How often things go wrong, per device and hour, and for how long. */
export interface MishapRates {
  /** Faults per hour: the device reports `error` with a reason, then `online` when it clears. */
  readonly faultsPerHour: number;
  /** Outages per hour: the device drops off the network, then comes back. */
  readonly outagesPerHour: number;
  /** How long a fault lasts, ms: [min, max]. */
  readonly faultMs: readonly [number, number];
  /** How long an outage lasts, ms: [min, max]. */
  readonly outageMs: readonly [number, number];
}

export const defaultMishaps: MishapRates = {
  faultsPerHour: 0.5,
  outagesPerHour: 0.25,
  faultMs: [15_000, 120_000],
  outageMs: [10_000, 60_000],
};

/**
 * One simulated device's whole state, with no I/O: its model's state, its own random
 * stream, and whether it is in a fault or an outage. `advanceTwin` and `commandTwin` update
 * it in place; the same seed and the same calls give the same reports.
 */
export interface DeviceTwin {
  readonly model: AnyDeviceModel;
  readonly rng: Rng;
  readonly mishaps: MishapRates;
  // biome-ignore lint/suspicious/noExplicitAny: the state's type belongs to the model
  state: any;
  fault: { readonly reason: string; readonly until: number } | null;
  outage: { readonly until: number } | null;
}

/** What a device has to say after a step. */
export interface TwinReport {
  /** Telemetry to report (absent while the device is off the network). */
  readonly readings?: Record<string, number>;
  /** A status change to report. */
  readonly status?: { readonly status: "online" | "error"; readonly reason: string };
  /** `offline`: drop the connection now; `online`: connect again. */
  readonly presence?: "offline" | "online";
}

/**
 * @example
 * const twin = createTwin(thermostat, createRng(7).fork("thermo-1"), at);
 * advanceTwin(twin, 5_000, new Date(at.getTime() + 5_000)).readings; // { temperature: 20.4, … }
 */
export function createTwin(
  model: AnyDeviceModel,
  rng: Rng,
  at: Date,
  mishaps: MishapRates = defaultMishaps,
): DeviceTwin {
  return { model, rng, mishaps, state: model.initial(rng, at), fault: null, outage: null };
}

/** Moves the twin `dtMs` forward to `at` and says what the device reports. */
export function advanceTwin(twin: DeviceTwin, dtMs: number, at: Date): TwinReport {
  const now = at.getTime();
  const { rng, mishaps } = twin;
  twin.state = twin.model.step(twin.state, dtMs, { at, rng });

  if (twin.outage) {
    if (now < twin.outage.until) return {};
    twin.outage = null;
    return { presence: "online", readings: twin.model.readings(twin.state) };
  }
  if (rng.chance(chanceIn(mishaps.outagesPerHour, dtMs))) {
    twin.outage = { until: now + rng.int(mishaps.outageMs[0], mishaps.outageMs[1]) };
    return { presence: "offline" };
  }

  let status: TwinReport["status"];
  if (twin.fault && now >= twin.fault.until) {
    twin.fault = null;
    status = { status: "online", reason: "recovered" };
  } else if (!twin.fault && rng.chance(chanceIn(mishaps.faultsPerHour, dtMs))) {
    const reason = rng.pick(twin.model.faultReasons);
    twin.fault = { reason, until: now + rng.int(mishaps.faultMs[0], mishaps.faultMs[1]) };
    status = { status: "error", reason };
  }
  const readings = twin.model.readings(twin.state);
  return status ? { readings, status } : { readings };
}

/**
 * Applies a command to the twin; returns the command's result and the readings after it.
 * Throws CommandRejectedError (unknown command, bad params) and leaves the twin as it was.
 */
export function commandTwin(
  twin: DeviceTwin,
  name: string,
  params: Record<string, unknown>,
  at: Date,
): { result: Record<string, unknown>; readings: Record<string, number> } {
  const effect = twin.model.command(twin.state, name, params, { at, rng: twin.rng });
  twin.state = effect.state;
  return { result: effect.result, readings: twin.model.readings(twin.state) };
}
