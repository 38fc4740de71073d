import { isDeepStrictEqual } from "node:util";
import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import { streamName } from "@uaip/events";
import type { DeviceRow } from "@uaip/projections";
import {
  cacheKeys,
  type DeviceHash,
  deviceToHash,
  redisFleetOf,
  scanSuffixes,
} from "@uaip/projections";
import { checkpointFault, type TableDrift, type VerifyReport } from "@uaip/projector";
import type { ChainableCommander, Redis } from "ioredis";
import { DeviceLogFold } from "./device-log-fold.ts";
import { RedisVerifyError } from "./errors.ts";

export interface RedisVerifyDeps {
  readonly redis: Redis;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly namespace: string;
  /** Device hashes read (and compared) per atomic read; 500 unless said otherwise. */
  readonly chunk?: number;
  /** Called (and awaited) after each read of device hashes, with the checkpoint it was compared at. */
  readonly onProgress?: (position: number, compared: number) => void | Promise<void>;
}

const SAMPLES = 3;
const ATTEMPTS = 5;
const JSON_FIELDS = ["capabilities", "tags", "metadata"];

/**
 * Folds the devices stream from scratch in memory with `evolveDevice` and compares it with
 * what Redis holds under the namespace: every device hash, the online set, every type set
 * and the counters. The report has the shape of the PostgreSQL verify: one entry a key
 * family (`<ns>:device:*`, `<ns>:online`, `<ns>:type:*`, `<ns>:counts`), each sample naming
 * its key; a device hash that differs counts once missing (the fold's) and once unexpected
 * (Redis's), as a differing row does there.
 *
 * A checkpoint past the stream's end is reported as a `fault` (nothing compared), as the
 * PostgreSQL verify does; a stream whose head is gone, or Redis losing its data during the
 * comparison, is a RedisVerifyError: no verdict either way.
 *
 * Consistent point without stopping anything: each read is one MULTI that also reads the
 * checkpoint, and the commit script writes rows and checkpoint atomically, so what a read
 * returns is exactly the projection at that checkpoint; the fold is advanced to it before
 * comparing. Checkpoints only grow, so the fold only goes forward. The live projector keeps
 * running; the position reported is the last checkpoint compared at.
 *
 * @example
 * const report = await verifyRedisProjection({ redis, js, jsm, namespace: "hub" });
 * report.drift; // 0 when Redis equals a fresh fold of the log
 */
export async function verifyRedisProjection(deps: RedisVerifyDeps): Promise<VerifyReport> {
  const { redis } = deps;
  const keys = cacheKeys(deps.namespace);
  const size = deps.chunk ?? 500;
  const stream = streamName(deps.namespace, "devices");
  const info = await deps.jsm.streams.info(stream);
  const stored = await redis.get(keys.checkpoint);
  // Like the PostgreSQL verify: a checkpoint this stream never reached is reported at once.
  const fault =
    stored === null
      ? undefined
      : checkpointFault("redis", { position: Number(stored), streamId: undefined }, info);
  if (fault)
    return {
      projection: "redis",
      position: Number(stored),
      tables: [],
      drift: 0,
      // The fix the runtime names (a rebuild) is not needed here: the Redis worker
      // empties the caches and folds the stream again by itself when it next starts.
      fault: `${fault.message.split(";")[0]}; the Redis projection empties the caches and folds this stream again when its worker (re)starts`,
    };
  // The caches fold the whole log: without its head there is nothing to compare them with.
  if (info.state.first_seq > 1)
    throw new RedisVerifyError(
      "stream_behind",
      `${stream} starts at sequence ${info.state.first_seq}: the events before it are gone, so the caches cannot be folded again from the log`,
    );
  await using fold = new DeviceLogFold(deps.js, deps.jsm, deps.namespace);
  let position: number | undefined;
  let compared = 0;

  /** Runs a MULTI whose first command reads the checkpoint; folds to it; returns the rest. */
  const readAtCheckpoint = async (tx: ChainableCommander): Promise<unknown[]> => {
    const replies = ((await tx.exec()) ?? []).map(([err, reply]) => {
      if (err) throw err;
      return reply;
    });
    const stored = replies[0] as string | null;
    const at = stored === null ? undefined : Number(stored);
    if (at === undefined ? position !== undefined : position !== undefined && at < position)
      throw new RedisVerifyError(
        "checkpoint_lost",
        `the Redis checkpoint went from ${position} to ${stored ?? "missing"} during the comparison: Redis lost its data; verify again once it has replayed`,
      );
    if (at !== undefined) position = at;
    await fold.advanceTo(at ?? 0);
    return replies.slice(1);
  };

  const devices = driftOf(`${keys.device("")}*`);
  const checked = new Set<string>();
  const compareDevices = async (first: readonly string[]) => {
    let queue = [...first];
    for (;;) {
      if (queue.length === 0) {
        // Devices the fold met since (registered while we compared).
        queue = [...fold.rows.keys()].filter((id) => !checked.has(id));
        if (queue.length === 0) return;
      }
      const chunk = queue.splice(0, size).filter((id) => !checked.has(id));
      const tx = redis.multi().get(keys.checkpoint);
      for (const id of chunk) tx.hgetall(keys.device(id));
      const hashes = (await readAtCheckpoint(tx)) as DeviceHash[];
      chunk.forEach((id, i) => {
        checked.add(id);
        compareDevice(devices, keys.device(id), hashes[i]!, fold.rows.get(id));
      });
      compared += chunk.length;
      await deps.onProgress?.(position ?? 0, compared);
    }
  };

  const scannedIds = await scanSuffixes(redis, keys.device(""));
  const scannedTypes = await scanSuffixes(redis, keys.type(""));
  await compareDevices(scannedIds);
  const fleet = await compareFleet(redis, keys, scannedTypes, fold, readAtCheckpoint);
  await compareDevices([]);

  const tables = [devices, ...fleet].map(finish);
  return {
    projection: "redis",
    position: position ?? 0,
    tables,
    drift: tables.reduce((n, t) => n + t.missing + t.unexpected, 0),
  };
}

/** Online set, type sets and counters, all read in one MULTI with the checkpoint. */
async function compareFleet(
  redis: Redis,
  keys: ReturnType<typeof cacheKeys>,
  scannedTypes: readonly string[],
  fold: DeviceLogFold,
  readAtCheckpoint: (tx: ChainableCommander) => Promise<unknown[]>,
): Promise<Drift[]> {
  for (let attempt = 1; ; attempt++) {
    const types = [...new Set([...scannedTypes, ...[...fold.rows.values()].map((r) => r.type)])];
    const tx = redis.multi().get(keys.checkpoint).smembers(keys.online).hgetall(keys.counts);
    for (const type of types) tx.smembers(keys.type(type));
    const [online, counts, ...typeSets] = await readAtCheckpoint(tx);
    const expected = redisFleetOf(fold.rows.values());
    // A type first seen by the fold after the read began: read again with it.
    if ([...expected.types.keys()].some((type) => !types.includes(type))) {
      if (attempt < ATTEMPTS) continue;
      throw new RedisVerifyError(
        "unsettled",
        `new device types kept appearing during ${ATTEMPTS} reads of the type sets`,
      );
    }
    const onlineDrift = driftOf(keys.online);
    compareMembers(onlineDrift, keys.online, online as string[], expected.online);
    const typeDrift = driftOf(`${keys.type("")}*`);
    types.forEach((type, i) => {
      const members = expected.types.get(type) ?? new Set<string>();
      compareMembers(typeDrift, keys.type(type), typeSets[i] as string[], members);
    });
    const countDrift = driftOf(keys.counts);
    compareCounts(countDrift, keys.counts, counts as Record<string, string>, expected.counts);
    return [onlineDrift, typeDrift, countDrift];
  }
}

interface Drift {
  readonly table: string;
  liveRows: number;
  expectedRows: number;
  missing: number;
  unexpected: number;
  readonly samples: TableDrift["samples"];
}

const driftOf = (table: string): Drift => ({
  table,
  liveRows: 0,
  expectedRows: 0,
  missing: 0,
  unexpected: 0,
  samples: [],
});

function note(d: Drift, side: "missing" | "unexpected", row: Record<string, unknown>): void {
  d[side]++;
  if (d.samples.filter((s) => s.side === side).length < SAMPLES) d.samples.push({ side, row });
}

const finish = (d: Drift): TableDrift => ({ ...d, samples: [...d.samples] });

function compareDevice(d: Drift, key: string, live: DeviceHash, row: DeviceRow | undefined): void {
  const expected = row ? deviceToHash(row) : undefined;
  const present = Object.keys(live).length > 0;
  if (present) d.liveRows++;
  if (expected) d.expectedRows++;
  if (expected && present && isDeepStrictEqual(comparable(live), comparable(expected))) return;
  if (expected) note(d, "missing", { key, ...expected });
  if (present) note(d, "unexpected", { key, ...live });
}

// JSON fields compare by value: the same object may be written with its keys in another order.
function comparable(hash: DeviceHash): Record<string, unknown> {
  const out: Record<string, unknown> = { ...hash };
  for (const field of JSON_FIELDS) {
    const text = hash[field];
    if (text === undefined) continue;
    try {
      out[field] = JSON.parse(text);
    } catch {
      out[field] = text; // not JSON at all: compared as text, so it differs
    }
  }
  return out;
}

function compareMembers(d: Drift, key: string, live: readonly string[], expected: Set<string>) {
  const present = new Set(live);
  d.liveRows += present.size;
  d.expectedRows += expected.size;
  for (const id of expected) if (!present.has(id)) note(d, "missing", { key, member: id });
  for (const id of present) if (!expected.has(id)) note(d, "unexpected", { key, member: id });
}

function compareCounts(
  d: Drift,
  key: string,
  live: Record<string, string>,
  expected: Map<string, number>,
): void {
  d.liveRows += Object.keys(live).length;
  d.expectedRows += expected.size;
  for (const [field, n] of expected)
    if (live[field] !== String(n)) note(d, "missing", { key, field, value: n });
  for (const [field, value] of Object.entries(live))
    if (String(expected.get(field)) !== value) note(d, "unexpected", { key, field, value });
}
