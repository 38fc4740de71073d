import { defaultMishaps, deviceTypes, type MetricSpec, parseMetricSpecs } from "@uaip/simulator";
import { UsageError } from "../context.ts";

// Flags of `uaip simulate` parsed into values, each failure a usage error naming the flag.

export function apiUrl(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.protocol === "http:" || u.protocol === "https:") return raw.replace(/\/$/, "");
  } catch {}
  throw new UsageError(`--api: must be an http(s) URL (got "${raw}")`);
}

export function mishaps(o: { faultsPerHour: string; outagesPerHour: string }) {
  return {
    ...defaultMishaps,
    faultsPerHour: decimal("--faults-per-hour", o.faultsPerHour, 0, 3_600),
    outagesPerHour: decimal("--outages-per-hour", o.outagesPerHour, 0, 3_600),
  };
}

export function sensorMetrics(raw: string | undefined): MetricSpec[] | undefined {
  if (raw === undefined) return undefined;
  try {
    return parseMetricSpecs(raw);
  } catch (err) {
    throw new UsageError(`--metrics: ${(err as Error).message}`);
  }
}

export function knownType(type: string): string {
  if (!Object.hasOwn(deviceTypes, type))
    throw new UsageError(
      `--type: must be one of ${Object.keys(deviceTypes).join(", ")} (got "${type}")`,
    );
  return type;
}

export function typeList(raw: string): string[] {
  const types = raw
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
  if (types.length === 0) throw new UsageError("--types: must name at least one device type");
  for (const t of types) {
    if (!Object.hasOwn(deviceTypes, t))
      throw new UsageError(`--types: "${t}" is not one of ${Object.keys(deviceTypes).join(", ")}`);
  }
  return types;
}

export function idToken(flag: string, raw: string): string {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(raw))
    throw new UsageError(`${flag}: must be 1-40 letters, digits, '_' or '-' (got "${raw}")`);
  return raw;
}

export function whole(flag: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < min || n > max)
    throw new UsageError(`${flag}: must be a whole number from ${min} to ${max} (got "${raw}")`);
  return n;
}

export function decimal(flag: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(n) || n < min || n > max)
    throw new UsageError(`${flag}: must be a number from ${min} to ${max} (got "${raw}")`);
  return n;
}
