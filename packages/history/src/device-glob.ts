import { ReplayQueryError } from "./errors.ts";

/** How a device filter is applied: a subject token for the server, a test for the rest. */
export interface DeviceMatcher {
  /** The device token of the subject filter: the id itself, or `*`. */
  readonly subjectToken: string;
  /** Client-side check, for globs NATS wildcards cannot say (`thermo-*`); absent when none is needed. */
  readonly test?: (deviceId: string) => boolean;
}

const idPattern = /^[A-Za-z0-9_-]{1,64}$/;
const globPattern = /^[A-Za-z0-9_*?-]{1,64}$/;

/**
 * Turns `--device` (one id, or a glob with `*` and `?`) into a subject token plus, when the
 * glob is more than a whole token, a client-side test. NATS wildcards match whole tokens
 * only, so `thermo-*` becomes the subject wildcard `*` and a regular expression.
 *
 * @example
 * deviceMatcher("thermo-42");  // { subjectToken: "thermo-42" }
 * deviceMatcher("thermo-*");   // { subjectToken: "*", test: (id) => /^thermo-.*$/.test(id) }
 */
export function deviceMatcher(glob: string | undefined, field = "--device"): DeviceMatcher {
  if (glob === undefined || glob === "*") return { subjectToken: "*" };
  if (idPattern.test(glob)) return { subjectToken: glob };
  if (!globPattern.test(glob)) {
    throw new ReplayQueryError(
      field,
      "device",
      `must be a device id (letters, digits, '_' or '-') or a glob of those with * and ? (got "${glob}")`,
    );
  }
  const source = glob.replace(/[*?]/g, (c) => (c === "*" ? "[A-Za-z0-9_-]*" : "[A-Za-z0-9_-]"));
  const re = new RegExp(`^${source}$`);
  return { subjectToken: "*", test: (id) => re.test(id) };
}
