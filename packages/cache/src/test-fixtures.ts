// Builders and probes shared by this package's specs; not exported from mod.ts.
import { createEvent, type DeviceEvent, type RecordedEvent } from "@uaip/events";
import type { DeviceRow } from "@uaip/projections";
import type { Redis } from "ioredis";
import { cacheKeys } from "./keys.ts";

export const at = (minute: number) => new Date(Date.UTC(2026, 10, 21, 10, minute)).toISOString();

/** A registered, online device; override what the spec is about. */
export function deviceRow(id: string, overrides: Partial<DeviceRow> = {}): DeviceRow {
  return {
    id,
    name: `Bulb ${id}`,
    type: "smart-bulb",
    capabilities: ["set_power", "dim"],
    tags: ["home", "kitchen"],
    location: "kitchen",
    firmware: "1.2.3",
    metadata: { vendor: "acme", watts: 9, dimmable: true, serial: null },
    status: "online",
    statusReason: null,
    statusChangedAt: at(1),
    registeredAt: at(0),
    lastSeenAt: at(1),
    decommissionedAt: null,
    version: 1,
    ...overrides,
  };
}

export function recorded(event: DeviceEvent, seq: number): RecordedEvent {
  return { stream: "UAIP_DEVICES", seq, subject: "x", storedAt: new Date(event.occurredAt), event };
}

/**
 * A devices-stream history touching every case the caches count: registrations of two types,
 * status changes, updates, a decommission (and a status after it), a re-registration under
 * another type, and a device that reports before it is registered.
 */
export function sampleHistory(devices = 12): RecordedEvent[] {
  const events: DeviceEvent[] = [];
  const statuses = ["online", "offline", "error", "maintenance"] as const;
  for (let i = 0; i < devices; i++) {
    const id = `dev-${i}`;
    events.push(
      createEvent(
        "device.registered",
        id,
        { name: `Device ${i}`, type: i % 3 === 0 ? "thermostat" : "smart-bulb", tags: ["t"] },
        { occurredAt: at(i % 50) },
      ),
    );
  }
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < devices; i++) {
      events.push(
        createEvent(
          "device.status_changed",
          `dev-${i}`,
          { status: statuses[(i + round) % 4]!, ...(round === 1 && { reason: "check" }) },
          { occurredAt: at(10 + round) },
        ),
      );
    }
  }
  events.push(
    createEvent("device.updated", "dev-1", { location: "attic", metadata: { a: 1 } }),
    createEvent("device.decommissioned", "dev-2", { reason: "replaced" }, { occurredAt: at(20) }),
    // After decommissioning only the hub's events fold (the device's own are refused).
    createEvent(
      "device.status_changed",
      "dev-2",
      { status: "online" },
      { occurredAt: at(21), source: "hub" },
    ),
    createEvent("device.registered", "dev-4", { name: "Now a sensor", type: "sensor" }),
    createEvent("device.status_changed", "stray-1", { status: "online" }, { occurredAt: at(30) }),
  );
  return events.map((e, i) => recorded(e, i + 1));
}

/** What a reader sees of a namespace's fleet keys: online set, type sets, counters. */
export async function fleetState(redis: Redis, namespace: string) {
  const keys = cacheKeys(namespace);
  const typeKeys = (await redis.keys(keys.type("*"))).sort();
  const types: Record<string, string[]> = {};
  for (const key of typeKeys)
    types[key.slice(keys.type("").length)] = sorted(await redis.smembers(key));
  const counts = Object.fromEntries(
    Object.entries(await redis.hgetall(keys.counts)).map(([field, n]) => [field, Number(n)]),
  );
  return { online: sorted(await redis.smembers(keys.online)), types, counts };
}

/** The fleet state the caches must show for these rows, computed without Redis. */
export function expectedFleetState(rows: Iterable<DeviceRow>) {
  const online: string[] = [];
  const types: Record<string, string[]> = {};
  const counts: Record<string, number> = {};
  for (const row of rows) {
    if (row.decommissionedAt !== null) continue;
    if (row.status === "online") online.push(row.id);
    types[row.type] = [...(types[row.type] ?? []), row.id].sort();
    for (const field of [`status:${row.status}`, `type:${row.type}`]) {
      counts[field] = (counts[field] ?? 0) + 1;
    }
  }
  return { online: sorted(online), types: sortKeys(types), counts };
}

/** Every key of the namespace with its value, for comparing two builds of the caches. */
export async function dumpNamespace(redis: Redis, namespace: string) {
  const dump: Record<string, unknown> = {};
  for (const key of (await redis.keys(`${namespace}:*`)).sort()) {
    const type = await redis.type(key);
    if (type === "hash") dump[key] = await redis.hgetall(key);
    else if (type === "set") dump[key] = sorted(await redis.smembers(key));
    else dump[key] = await redis.get(key);
  }
  return dump;
}

/** Deletes the namespace's keys, as a FLUSHALL would (without touching anyone else's). */
export async function clearNamespace(redis: Redis, namespace: string): Promise<void> {
  const keys = await redis.keys(`${namespace}:*`);
  if (keys.length > 0) await redis.del(...keys);
}

const sorted = (xs: string[]) => [...xs].sort();
const sortKeys = <T>(o: Record<string, T>) =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
