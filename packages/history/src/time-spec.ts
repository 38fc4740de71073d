import { ReplayQueryError } from "./errors.ts";

const unitMs: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const durationPattern = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;
const isoPattern =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/** The rule a time spec follows, as errors state it (before `(got "…")`). */
export const TimeSpecRule =
  'must be "now", an ISO 8601 time (e.g. 2026-11-21T10:00:00Z) or a duration back from now like 90s, 15m, 6h, 7d';

/** The instant `spec` names (see `parseTimeSpec`), or `undefined` when it names none. */
export function timeSpecAt(spec: string, now = new Date()): Date | undefined {
  const s = spec.trim();
  if (s.toLowerCase() === "now") return new Date(now);
  const d = durationPattern.exec(s);
  if (d) return new Date(now.getTime() - Number(d[1]) * unitMs[d[2] as string]!);
  if (isoPattern.test(s)) {
    const at = new Date(s.replace(" ", "T"));
    if (!Number.isNaN(at.getTime())) return at;
  }
  return undefined;
}

/**
 * An instant as an analyst types it: `now`, an ISO 8601 time (`2026-11-21`,
 * `2026-11-21T10:00:00Z`, `…+02:00`), or a duration back from now (`90s`, `15m`, `6h`,
 * `7d`, `2w`). Anything else is a ReplayQueryError naming `field`.
 *
 * @example
 * parseTimeSpec("6h", "--since", new Date("2026-11-21T12:00:00Z")); // 2026-11-21T06:00:00.000Z
 */
export function parseTimeSpec(spec: string, field: string, now = new Date()): Date {
  const at = timeSpecAt(spec, now);
  if (at) return at;
  throw new ReplayQueryError(field, "time", `${TimeSpecRule} (got "${spec}")`);
}
