import { configVariables } from "@uaip/platform";

/** The variables another terminal needs to reach a `uaip dev` hub. */
export const hubAddressVariables = [
  "NATS_URL",
  "DATABASE_URL",
  "REDIS_URL",
  "PORT",
  "UAIP_NAMESPACE",
] as const;

/** Each of those variables with the value the running hub uses. */
export type HubAddress = Record<(typeof hubAddressVariables)[number], string>;

/** A word the shell reads back as itself. */
function shellWord(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * The `export …` line that points a new terminal's `uaip` commands (and the README's
 * examples) at this hub: every address that is not the default, e.g. a NATS that `uaip dev`
 * started on a free port, or a PORT given on the command line. Undefined when all are default.
 *
 * @example
 * otherTerminalExports({ ...defaults, NATS_URL: "nats://127.0.0.1:40123" });
 * // "export NATS_URL=nats://127.0.0.1:40123"
 */
export function otherTerminalExports(address: HubAddress): string | undefined {
  const differing = hubAddressVariables.filter(
    (name) => address[name] !== configVariables[name].default,
  );
  if (differing.length === 0) return undefined;
  return `export ${differing.map((name) => `${name}=${shellWord(address[name])}`).join(" ")}`;
}
