import { sql } from "kysely";
import type { ChaosEnv } from "../scenario/chaos-env.ts";
import type { StreamLog } from "./stream-log.ts";

/** What the read models hold more (or less) often than the log says they should. */
export interface DoubleApplyReport {
  /** Rows or aggregates that count an event more than once. */
  readonly doubleApplied: number;
  /** Rows or aggregates that miss events the log holds. */
  readonly underApplied: number;
  readonly details: string[];
}

export interface Logs {
  readonly devices: StreamLog;
  readonly telemetry: StreamLog;
}

/**
 * Checks that an event applied twice would break, counted from the log itself rather than
 * from a second fold (which `verify` already does):
 * - one `device_status_history` row per accepted `device.status_changed`, by sequence;
 * - the telemetry roll-ups of a device count exactly its accepted readings;
 * - `devices.version` is the last accepted sequence of that device;
 * - `fleet_stats` counts equal the live devices, per status and per type.
 * "Accepted" leaves out what the projection rejected (its `rejected_events` rows).
 */
export async function doubleApplyChecks(env: ChaosEnv, logs: Logs): Promise<DoubleApplyReport> {
  const details: string[] = [];
  let doubleApplied = 0;
  let underApplied = 0;
  const rejected = new Map<string, Set<number>>();
  for (const r of await env.db
    .selectFrom("rejected_events")
    .select(["projection", "seq"])
    .execute()) {
    const set = rejected.get(r.projection) ?? new Set<number>();
    set.add(Number(r.seq));
    rejected.set(r.projection, set);
  }
  const accepted = (projection: string, log: StreamLog) =>
    [...log.bySeq.values()].filter(
      (m) => m.event !== undefined && !rejected.get(projection)?.has(m.seq),
    );

  // Status history: one row per status change, keyed by its sequence.
  const statusSeqs = new Set(
    accepted("device_status_history", logs.devices)
      .filter((m) => m.event?.event.type === "device.status_changed")
      .map((m) => m.seq),
  );
  const historyRows = await env.db.selectFrom("device_status_history").select("seq").execute();
  const liveSeqs = new Set(historyRows.map((r) => Number(r.seq)));
  const extraRows = historyRows.length - statusSeqs.size;
  const missingRows = [...statusSeqs].filter((s) => !liveSeqs.has(s)).length;
  if (historyRows.length !== liveSeqs.size || [...liveSeqs].some((s) => !statusSeqs.has(s))) {
    doubleApplied += Math.max(extraRows, 1);
    details.push(
      `device_status_history: ${historyRows.length} rows for ${statusSeqs.size} status changes in the log`,
    );
  }
  if (missingRows > 0) {
    underApplied += missingRows;
    details.push(`device_status_history: ${missingRows} status changes of the log have no row`);
  }

  // Telemetry roll-ups: per device, the counts add up to its readings.
  const readings = new Map<string, number>();
  for (const m of accepted("telemetry", logs.telemetry)) {
    const e = m.event?.event;
    if (e?.type !== "telemetry.reported") continue;
    readings.set(e.deviceId, (readings.get(e.deviceId) ?? 0) + Object.keys(e.data.metrics).length);
  }
  const counted = await env.db
    .selectFrom("telemetry_minutes")
    .select(["device_id", sql<number>`sum(count)::bigint`.as("n")])
    .groupBy("device_id")
    .execute();
  const countedBy = new Map(counted.map((r) => [r.device_id, Number(r.n)]));
  for (const id of new Set([...readings.keys(), ...countedBy.keys()])) {
    const want = readings.get(id) ?? 0;
    const got = countedBy.get(id) ?? 0;
    if (got > want) {
      doubleApplied++;
      details.push(`telemetry_minutes: ${id} counts ${got} readings, the log has ${want}`);
    } else if (got < want) {
      underApplied++;
      details.push(`telemetry_minutes: ${id} counts ${got} readings of the log's ${want}`);
    }
  }

  // devices.version: the last accepted sequence of each device.
  const lastSeq = new Map<string, number>();
  for (const m of accepted("devices", logs.devices)) {
    const id = m.event?.event.deviceId;
    if (id !== undefined) lastSeq.set(id, Math.max(lastSeq.get(id) ?? 0, m.seq));
  }
  const devices = await env.db
    .selectFrom("devices")
    .select(["id", "version", "status", "type", "decommissioned_at"])
    .execute();
  for (const d of devices) {
    const want = lastSeq.get(d.id);
    if (want !== undefined && Number(d.version) !== want) {
      doubleApplied++;
      details.push(`devices: ${d.id} at version ${d.version}, its last event is at ${want}`);
    }
  }
  const missingDevices = [...lastSeq.keys()].filter((id) => !devices.some((d) => d.id === id));
  if (missingDevices.length > 0) {
    underApplied += missingDevices.length;
    details.push(`devices: no row for ${missingDevices.slice(0, 5).join(", ")}`);
  }

  // fleet_stats: the counts are deltas; one applied twice leaves them off the table's truth.
  const live = devices.filter((d) => d.decommissioned_at === null);
  const truth = new Map<string, number>();
  for (const d of live) {
    truth.set(`status:${d.status}`, (truth.get(`status:${d.status}`) ?? 0) + 1);
    truth.set(`type:${d.type}`, (truth.get(`type:${d.type}`) ?? 0) + 1);
  }
  const stats = await env.db
    .selectFrom("fleet_stats")
    .select(["dimension", "key", "count"])
    .execute();
  const statsBy = new Map(stats.map((s) => [`${s.dimension}:${s.key}`, Number(s.count)]));
  for (const key of new Set([...truth.keys(), ...statsBy.keys()])) {
    const want = truth.get(key) ?? 0;
    const got = statsBy.get(key) ?? 0;
    if (got !== want) {
      doubleApplied++;
      details.push(`fleet_stats: ${key} counts ${got}, the devices table has ${want}`);
    }
  }
  return { doubleApplied, underApplied, details };
}
