import { defineRoute, problems, type Route, Scopes } from "@uaip/http-kit";
import * as v from "valibot";
import type { ApiServices } from "../api-services.ts";
import { createApiKey, listApiKeys, revokeApiKey } from "../auth/api-keys.ts";

/** A label for people: 1-128 characters, no control characters (a NUL would not even store). */
export const ApiKeyNameSchema = v.pipe(
  v.string(),
  v.trim(),
  v.minLength(1),
  v.maxLength(128),
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what it refuses
  v.regex(/^[^\u0000-\u001f\u007f]*$/, "must not contain control characters (NUL, tab, newline…)"),
);
export const ScopesSchema = v.pipe(
  v.array(v.picklist(Scopes, `must be among ${Scopes.join(", ")}`)),
  v.minLength(1, "must name at least one scope"),
);

const ApiKeySchema = v.pipe(
  v.object({
    id: v.string(),
    name: v.string(),
    scopes: v.array(v.picklist(Scopes)),
    createdAt: v.pipe(v.string(), v.isoTimestamp()),
    revokedAt: v.nullable(v.pipe(v.string(), v.isoTimestamp())),
    lastUsedAt: v.nullable(v.pipe(v.string(), v.isoTimestamp())),
  }),
  v.title("ApiKey"),
);

const CreatedKeySchema = v.pipe(
  v.object({
    ...ApiKeySchema.entries,
    key: v.pipe(v.string(), v.description("The key itself: shown this once, stored only hashed")),
  }),
  v.title("CreatedApiKey"),
);

/** API key management over HTTP (the `uaip keys` command does the same from a shell). */
export function keyRoutes(s: ApiServices): Route[] {
  return [
    defineRoute({
      method: "get",
      path: "/api/v1/keys",
      operationId: "listApiKeys",
      summary: "List API keys",
      description: "Every key, revoked ones included; never the keys themselves.",
      tag: "keys",
      scope: "admin",
      responses: {
        200: { description: "The keys", schema: v.object({ items: v.array(ApiKeySchema) }) },
      },
      handler: async (c) => c.json({ items: await listApiKeys(s.db) }),
    }),
    defineRoute({
      method: "post",
      path: "/api/v1/keys",
      operationId: "createApiKey",
      summary: "Create an API key",
      description:
        "Scopes are explicit: `read` queries, `write` appends events, `admin` manages keys. The key is in this answer only.",
      tag: "keys",
      scope: "admin",
      body: v.strictObject({ name: ApiKeyNameSchema, scopes: ScopesSchema }),
      responses: { 201: { description: "The new key", schema: CreatedKeySchema } },
      handler: async (c, { body }) => c.json(await createApiKey(s.db, body), 201),
    }),
    defineRoute({
      method: "delete",
      path: "/api/v1/keys/{id}",
      operationId: "revokeApiKey",
      summary: "Revoke an API key",
      description: `Takes effect at once in this process, and within ${s.options.keyCacheMs} ms in other hub processes (once they reach PostgreSQL: during an outage they keep trusting keys they verified before).`,
      tag: "keys",
      scope: "admin",
      params: v.object({
        id: v.pipe(v.string(), v.regex(/^key_[0-9a-f]{1,32}$/, "must be a key id (key_…)")),
      }),
      responses: {
        200: { description: "The revoked key", schema: ApiKeySchema },
        404: { description: "No such key" },
      },
      handler: async (c, { params }) => {
        const info = await revokeApiKey(s.db, params.id);
        if (!info) throw problems.notFound(`no API key "${params.id}"`);
        s.gate.keys.forget(info.id);
        return c.json(info);
      },
    }),
  ];
}
