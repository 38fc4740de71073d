import { deviceFromTable, readDevices } from "@uaip/projections";
import type { ChaosEnv } from "../scenario/chaos-env.ts";

/** Device snapshots in Redis that differ from (or lack) the `devices` row. */
export interface RedisMismatch {
  readonly id: string;
  readonly redisVersion: number | undefined;
  readonly postgresVersion: number;
}

/**
 * Compares every device snapshot the Redis projection holds with the `devices` row (which
 * `verify` compares with a fresh fold): once both are caught up they must be equal.
 */
export async function redisMismatches(env: ChaosEnv): Promise<RedisMismatch[]> {
  const rows = (await env.db.selectFrom("devices").selectAll().orderBy("id").execute()).map(
    deviceFromTable,
  );
  const cached = await readDevices(
    env.redis,
    env.namespace,
    rows.map((r) => r.id),
  );
  const out: RedisMismatch[] = [];
  for (const row of rows) {
    const snapshot = cached.get(row.id);
    if (snapshot && canonical(snapshot) === canonical(row)) continue;
    out.push({ id: row.id, redisVersion: snapshot?.version, postgresVersion: row.version });
  }
  return out;
}

function canonical(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(canonical).join(",")}]`;
  if (x && typeof x === "object")
    return `{${Object.keys(x)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((x as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(x) ?? "null";
}
