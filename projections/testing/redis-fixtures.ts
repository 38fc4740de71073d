// Builders and probes shared by the specs of the Redis projection and of the cache service
// (packages/cache, through `@uaip/projections/testing`).
import { createEvent, type DeviceEvent, type RecordedEvent } from "@uaip/events";
import type { Redis } from "ioredis";
import type { DeviceRow } from "../devices/device-row.ts";
import type { ProjectionTarget } from "../projection-target.ts";
import { cacheKeys } from "../redis/cache-keys.ts";
import { redisFleetOf } from "../redis/redis-fold.ts";

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

/**
 * Commits the events to `target` in batches of `size` from sequence `from`, the way the
 * runtime would; `afterBatch` runs after each commit with the checkpoint it reached.
 */
export async function commitInBatches(
  target: ProjectionTarget,
  events: readonly RecordedEvent[],
  size: number,
  from = 0,
  afterBatch?: (to: number) => Promise<void>,
): Promise<void> {
  let position = from;
  for (let i = 0; i < events.length; i += size) {
    const batch = events.slice(i, i + size);
    const to = batch.at(-1)!.seq;
    await target.commit({ events: batch, rejected: [], from: position, to });
    position = to;
    await afterBatch?.(to);
  }
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

/** The fleet state the caches must show for these rows, computed without Redis, as `fleetState` reads it. */
export function expectedFleetState(rows: Iterable<DeviceRow>) {
  const fleet = redisFleetOf(rows);
  const types: Record<string, string[]> = {};
  for (const [type, members] of fleet.types) types[type] = sorted([...members]);
  return {
    online: sorted([...fleet.online]),
    types: sortKeys(types),
    counts: Object.fromEntries(fleet.counts),
  };
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
