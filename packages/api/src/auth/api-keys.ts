import { createHash, randomBytes } from "node:crypto";
import type { Scope } from "@uaip/http-kit";
import type { ApiKeysTable } from "@uaip/migrations";
import type { Db } from "@uaip/platform";
import { type Selectable, sql } from "kysely";

/** A key as listed: never the key itself, which only its creator saw once. */
export interface ApiKeyInfo {
  readonly id: string;
  readonly name: string;
  readonly scopes: readonly Scope[];
  readonly createdAt: string;
  readonly revokedAt: string | null;
  readonly lastUsedAt: string | null;
}

/** A new key: `key` is shown once and stored only as its hash. */
export interface CreatedApiKey extends ApiKeyInfo {
  readonly key: string;
}

const keyPrefix = "uaip_";

/**
 * SHA-256 of the key, hex. A key carries 256 random bits, so a fast hash is enough: there
 * is nothing to guess that a slow hash would protect.
 */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

const iso = (d: unknown) => (d === null ? null : new Date(d as Date | string).toISOString());

function toInfo(r: Selectable<ApiKeysTable>): ApiKeyInfo {
  return {
    id: r.id,
    name: r.name,
    scopes: r.scopes as Scope[],
    createdAt: iso(r.created_at) as string,
    revokedAt: iso(r.revoked_at),
    lastUsedAt: iso(r.last_used_at),
  };
}

/**
 * Creates a key with these scopes and stores its hash.
 *
 * @example
 * const { id, key } = await createApiKey(db, { name: "grafana", scopes: ["read"] });
 * // send `Authorization: Bearer ${key}`; `key` cannot be shown again
 */
export async function createApiKey(
  db: Db,
  opts: { name: string; scopes: readonly Scope[] },
): Promise<CreatedApiKey> {
  const key = `${keyPrefix}${randomBytes(32).toString("base64url")}`;
  const row = await db
    .insertInto("api_keys")
    .values({
      id: `key_${randomBytes(6).toString("hex")}`,
      name: opts.name,
      hash: hashApiKey(key),
      scopes: [...new Set(opts.scopes)],
      revoked_at: null,
      last_used_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { ...toInfo(row), key };
}

/** Every key, oldest first, revoked ones included. */
export async function listApiKeys(db: Db): Promise<ApiKeyInfo[]> {
  const rows = await db.selectFrom("api_keys").selectAll().orderBy("created_at").execute();
  return rows.map(toInfo);
}

/**
 * Revokes a key (a second revoke keeps the first time); `undefined` when no key has that id.
 * Processes that verified it recently trust it until their key cache expires.
 */
export async function revokeApiKey(db: Db, id: string): Promise<ApiKeyInfo | undefined> {
  const row = await db
    .updateTable("api_keys")
    .set({ revoked_at: sql<Date>`coalesce(revoked_at, now())` })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
  return row && toInfo(row);
}

/** The live (not revoked) key this secret is, if any. */
export async function findApiKey(db: Db, key: string): Promise<ApiKeyInfo | undefined> {
  if (!key.startsWith(keyPrefix)) return undefined;
  const row = await db
    .selectFrom("api_keys")
    .selectAll()
    .where("hash", "=", hashApiKey(key))
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return row && toInfo(row);
}

/** Records that a key was used (callers throttle this; it is not on the request path). */
export async function touchApiKey(db: Db, id: string): Promise<void> {
  await db.updateTable("api_keys").set({ last_used_at: new Date() }).where("id", "=", id).execute();
}
