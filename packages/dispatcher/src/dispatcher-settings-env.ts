import { ConfigError } from "@uaip/platform";
import * as v from "valibot";
import { type DispatcherSettings, defaultDispatcherSettings } from "./start-dispatcher.ts";

const ms = (min: number, max: number) =>
  v.pipe(
    v.string(),
    v.regex(/^\d+$/, `must be a whole number from ${min} to ${max}`),
    v.transform(Number),
    v.minValue(min, `must be a whole number from ${min} to ${max}`),
    v.maxValue(max, `must be a whole number from ${min} to ${max}`),
  );

/**
 * The dispatcher's environment variables, their rules and meaning (to be folded into the
 * platform's config table).
 */
export const dispatcherVariables = {
  DISPATCHER_LEASE_MS: {
    schema: ms(500, 600_000),
    key: "leaseMs",
    doc: "How long the dispatcher's and the presence watchdog's leases last unrenewed: the longest a standby waits to take over",
  },
  DISPATCHER_REQUEST_TIMEOUT_MS: {
    schema: ms(100, 600_000),
    key: "requestTimeoutMs",
    doc: "How long a device has to answer a command request before it is retried (with backoff)",
  },
  DISPATCHER_MAX_IN_FLIGHT: {
    schema: ms(1, 100_000),
    key: "maxInFlight",
    doc: "Most command requests awaiting a device's answer at once",
  },
  PRESENCE_TIMEOUT_MS: {
    schema: ms(500, 86_400_000),
    key: "presenceTimeoutMs",
    doc: "Silence after which an online device is declared offline (heartbeat timeout)",
  },
} as const;

/** Parses the dispatcher's variables from `env`; unset ones keep their defaults. */
export function dispatcherSettingsFromEnv(
  env: Record<string, string | undefined>,
): DispatcherSettings {
  const out: Record<string, number> = {};
  for (const [name, spec] of Object.entries(dispatcherVariables)) {
    const raw = env[name]?.trim();
    if (!raw) continue;
    const r = v.safeParse(spec.schema, raw);
    if (!r.success) throw new ConfigError(name, `${r.issues[0].message} (got "${raw}")`);
    out[spec.key] = r.output;
  }
  return { ...defaultDispatcherSettings, ...out };
}
