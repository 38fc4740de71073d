import type { FleetSummary } from "./fleet-stats.ts";
import type { LatencySummary } from "./latency-recorder.ts";

const int = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** `p50 1.2 · p95 3.4 · p99 8.9 · max 20 ms (12,345 samples)`. */
export function latencyText(l: LatencySummary): string {
  if (l.count === 0) return "no samples";
  const ms = (x: number) => (x >= 100 ? int.format(x) : x.toFixed(x >= 10 ? 1 : 2));
  return `p50 ${ms(l.p50)} · p95 ${ms(l.p95)} · p99 ${ms(l.p99)} · max ${ms(l.max)} ms (${int.format(l.count)} samples)`;
}

/** `none`, or `buffer-overflow 3, e2e-timeout 1`. */
export function errorsText(errors: Readonly<Record<string, number>>): string {
  const entries = Object.entries(errors);
  return entries.length === 0
    ? "none"
    : entries.map(([k, n]) => `${k} ${int.format(n)}`).join(", ");
}

/**
 * The summary a simulation prints when it ends.
 *
 * @example
 * console.log(fleetSummaryText(summary));
 */
export function fleetSummaryText(s: FleetSummary): string {
  const e = s.events;
  return [
    `devices        ${s.devices} (${s.connections.mode === "pooled" ? `sharing ${s.connections.count} NATS connections` : "one NATS connection each"}), seed ${s.seed}`,
    `ran            ${(s.durationMs / 1000).toFixed(1)} s after ${(s.startupMs / 1000).toFixed(2)} s connecting and registering`,
    `events         ${int.format(e.stored)} stored of ${int.format(e.published)} published: ${int.format(e.telemetry)} telemetry, ${int.format(e.statusChanges)} status changes, ${int.format(e.registrations)} registrations`,
    `rate           ${int.format(s.eventsPerSecond)} events/s`,
    `publish → ack  ${latencyText(s.publishLatencyMs)}`,
    `commands       ${s.commands.received} received, ${s.commands.completed} completed, ${s.commands.rejected} rejected`,
    `mishaps        ${s.mishaps.faults} faults, ${s.mishaps.outages} outages`,
    `errors         ${errorsText(s.errors)}`,
  ].join("\n");
}
