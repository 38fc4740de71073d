/**
 * The peer side of bench/peer.ts: Emmett (@event-driven-io/emmett-postgresql) building a
 * devices read model equivalent to the hub's, with an inline projection.
 */
import { randomBytes } from "node:crypto";
import { type Event, projections } from "@event-driven-io/emmett";
import { getPostgreSQLEventStore, postgreSQLProjection } from "@event-driven-io/emmett-postgresql";
import { dropDatabase, ensureDatabase } from "@uaip/platform";
import pg from "pg";
import type { PeerFact } from "./peer-facts.ts";

type DeviceRegistered = Event<
  "DeviceRegistered",
  { deviceId: string; at: string; name: string; type: string; tags: string[]; location: string }
>;
type DeviceStatusChanged = Event<
  "DeviceStatusChanged",
  { deviceId: string; at: string; status: string; reason: string }
>;
type PeerEvent = DeviceRegistered | DeviceStatusChanged;

/** The devices table of the hub's migration 0001, with its indexes, under another name. */
const emmettDevicesTable = `
  CREATE TABLE emmett_devices (
    id text PRIMARY KEY, name text NOT NULL, type text NOT NULL,
    capabilities text[] NOT NULL DEFAULT '{}', tags text[] NOT NULL DEFAULT '{}',
    location text, firmware text, metadata jsonb NOT NULL DEFAULT '{}',
    status text NOT NULL DEFAULT 'unknown', status_reason text, status_changed_at timestamptz,
    registered_at timestamptz, last_seen_at timestamptz NOT NULL, decommissioned_at timestamptz,
    version bigint NOT NULL);
  CREATE INDEX emmett_devices_status_idx ON emmett_devices (status, id);
  CREATE INDEX emmett_devices_type_idx ON emmett_devices (type, id);
  CREATE INDEX emmett_devices_location_idx ON emmett_devices (location, id);
  CREATE INDEX emmett_devices_tags_idx ON emmett_devices USING gin (tags);`;

/** Emmett's inline projection: one upsert per event, in the append's transaction, guarded by version. */
const emmettDevices = postgreSQLProjection<PeerEvent>({
  name: "emmett_devices",
  canHandle: ["DeviceRegistered", "DeviceStatusChanged"],
  handle: async (events, context) => {
    for (const e of events) {
      const version = String(e.metadata.globalPosition);
      const d = e.data;
      if (e.type === "DeviceRegistered") {
        await context.connection.client.query(
          `INSERT INTO emmett_devices AS t (id, name, type, tags, location, registered_at, last_seen_at, version)
           VALUES ($1, $2, $3, $4, $5, $6, $6, $7)
           ON CONFLICT (id) DO UPDATE SET name = excluded.name, type = excluded.type, tags = excluded.tags,
             location = excluded.location, registered_at = COALESCE(t.registered_at, excluded.registered_at),
             last_seen_at = GREATEST(t.last_seen_at, excluded.last_seen_at), version = excluded.version
           WHERE t.version < excluded.version`,
          [d.deviceId, e.data.name, e.data.type, e.data.tags, e.data.location, d.at, version],
        );
      } else {
        await context.connection.client.query(
          `INSERT INTO emmett_devices AS t (id, name, type, status, status_reason, status_changed_at, last_seen_at, version)
           VALUES ($1, $1, 'unknown', $2, $3, $4, $4, $5)
           ON CONFLICT (id) DO UPDATE SET status = excluded.status, status_reason = excluded.status_reason,
             status_changed_at = excluded.status_changed_at,
             last_seen_at = GREATEST(t.last_seen_at, excluded.last_seen_at), version = excluded.version
           WHERE t.version < excluded.version`,
          [d.deviceId, e.data.status, e.data.reason, d.at, version],
        );
      }
    }
  },
});

function emmettEvent(f: PeerFact): PeerEvent {
  return f.kind === "registered"
    ? { type: "DeviceRegistered", data: { deviceId: f.deviceId, at: f.at, ...f.data } }
    : { type: "DeviceStatusChanged", data: { deviceId: f.deviceId, at: f.at, ...f.data } };
}

/**
 * Emmett building the devices read model from `facts`: one `appendToStream` per fact (one
 * transaction each, stream `device-<id>`), the inline projection writing the read model in
 * that transaction, `concurrency` appenders each owning a share of the devices (so a
 * device's events stay in order). Runs in a database of its own on the server of
 * `databaseUrl` (`uaip_bench_emmett_<random>`), dropped at the end.
 *
 * @example
 * const { ms, rows } = await runEmmettDevices(config.databaseUrl, peerFacts(100, 2), 16);
 */
export async function runEmmettDevices(
  databaseUrl: string,
  facts: readonly PeerFact[],
  concurrency: number,
): Promise<{ ms: number; rows: { id: string; status: string; type: string }[]; database: string }> {
  const base = new URL(databaseUrl);
  base.pathname = `/uaip_bench_emmett_${randomBytes(4).toString("hex")}`;
  const url = base.toString();
  await ensureDatabase(url);
  const pool = new pg.Pool({ connectionString: url, max: concurrency + 2 });
  // Dropping the database at the end ends idle connections under the pool: not an error here.
  pool.on("error", () => {});
  const store = getPostgreSQLEventStore(url, {
    projections: projections.inline([emmettDevices]),
    connectionOptions: { pool },
  });
  try {
    await pool.query(emmettDevicesTable);
    await store.schema.migrate();
    // Appender k owns the devices whose number is k modulo the concurrency: per-device order holds.
    const lanes: PeerFact[][] = Array.from({ length: concurrency }, () => []);
    for (const f of facts) lanes[Number(f.deviceId.slice(5)) % concurrency]!.push(f);
    const started = performance.now();
    await Promise.all(
      lanes.map(async (lane) => {
        for (const f of lane) await store.appendToStream(`device-${f.deviceId}`, [emmettEvent(f)]);
      }),
    );
    const ms = performance.now() - started;
    const { rows } = await pool.query<{ id: string; status: string; type: string }>(
      "SELECT id, status, type FROM emmett_devices",
    );
    return { ms, rows, database: base.pathname.slice(1) };
  } finally {
    await store.close().catch(() => {});
    await pool.end().catch(() => {});
    await dropDatabase(url).catch(() => {});
  }
}
