import { errorsText, latencyText } from "../fleet/summary-text.ts";
import type { LoadTestReport } from "./run-load-test.ts";

const int = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/**
 * The load-test report as printed: target vs achieved, both latencies, errors by kind,
 * and each projection's lag during the run.
 */
export function loadTestText(r: LoadTestReport): string {
  const f = r.fleet;
  const lines = [
    `load test      ${int.format(r.target.devices)} devices, target ${int.format(r.target.eventsPerSecond)} events/s for ${r.target.durationS} s`,
    `connections    ${f.connections.mode === "pooled" ? `${f.connections.count} shared NATS connections` : "one NATS connection per device"}; startup ${(f.startupMs / 1000).toFixed(2)} s`,
    `achieved       ${int.format(f.eventsPerSecond)} events/s (${(r.achievedRatio * 100).toFixed(1)}% of target) over ${(f.durationMs / 1000).toFixed(1)} s; ${int.format(f.events.stored)} events stored`,
    `publish → ack  ${latencyText(r.publishLatencyMs)}`,
    ...e2eLines(r),
    `events         ${int.format(f.events.telemetry)} telemetry, ${int.format(f.events.statusChanges)} status changes, ${int.format(f.events.registrations)} registrations; ${f.mishaps.faults} faults, ${f.mishaps.outages} outages`,
    `errors         ${errorsText(r.errors)}`,
  ];
  if (r.projections.length > 0) {
    lines.push("projection lag during the run (GET /api/v1/projections, once a second):");
    const width = Math.max(...r.projections.map((p) => p.name.length));
    for (const p of r.projections) {
      lines.push(
        `  ${p.name.padEnd(width)}  lag p50 ${p.lagSecondsP50.toFixed(2)} s · p99 ${p.lagSecondsP99.toFixed(2)} s · max ${p.lagSecondsMax.toFixed(2)} s · pending max ${int.format(p.pendingMax)}, at end ${int.format(p.pendingLast)}`,
      );
    }
  }
  for (const note of r.notes) lines.push(`note: ${note}`);
  return lines.join("\n");
}

function e2eLines(r: LoadTestReport): string[] {
  const e = r.endToEndLatencyMs;
  if (!e) return ["publish → API  not measured"];
  return [
    `publish → API  ${latencyText(e)}, ${e.timeouts} timed out`,
    `  telemetry    ${latencyText(e.telemetry)}`,
    `  status       ${latencyText(e.status)}`,
  ];
}
