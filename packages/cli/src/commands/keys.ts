import { createApiKey, listApiKeys, revokeApiKey, type Scope, Scopes } from "@uaip/api";
import { prepareDatabase } from "@uaip/hub";
import type { Db } from "@uaip/platform";
import { Command } from "commander";
import { ensureDatabaseOf, openDatabase } from "../connections.ts";
import { type CliContext, cliContext, run, UsageError } from "../context.ts";
import { table } from "../output.ts";

function parseScopes(value: string): Scope[] {
  const scopes = value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (scopes.length === 0)
    throw new UsageError(`--scopes: name at least one of ${Scopes.join(", ")}`);
  for (const s of scopes) {
    if (!(Scopes as readonly string[]).includes(s)) {
      throw new UsageError(`--scopes: "${s}" is not one of ${Scopes.join(", ")}`);
    }
  }
  return scopes as Scope[];
}

async function withDb<T>(ctx: CliContext, fn: (db: Db) => Promise<T>): Promise<T> {
  await ensureDatabaseOf(ctx.config);
  const db = await openDatabase(ctx.config, { max: 1 });
  try {
    await prepareDatabase(ctx.config, db);
    return await fn(db);
  } finally {
    await db.destroy();
  }
}

/** `uaip keys create|list|revoke`: the API keys operators and dashboards call the HTTP API with. */
export function keysCommand(): Command {
  const cmd = new Command("keys").description(
    "Create, list and revoke API keys for the HTTP API (stored hashed; a key is shown once)",
  );
  cmd
    .command("create")
    .description("Create a key and print it once")
    .requiredOption("--name <name>", "what the key is for, e.g. grafana")
    .option("--scopes <list>", `comma-separated: ${Scopes.join(", ")}`, "read")
    .option("--json", "print JSON instead of text")
    .addHelpText(
      "after",
      `
Scopes are explicit: read (queries and the event stream), write (appending events:
registrations, commands), admin (managing keys). A key with only "write" cannot read.

Example:
  uaip keys create --name dashboard --scopes read
  curl -H "Authorization: Bearer <key>" "http://127.0.0.1:\${PORT:-8443}/api/v1/stats"`,
    )
    .action((opts: { name: string; scopes: string; json?: boolean }) =>
      run(async () => {
        const name = opts.name.trim();
        if (name === "" || name.length > 128)
          throw new UsageError("--name: must be 1-128 characters");
        const scopes = parseScopes(opts.scopes);
        const created = await withDb(cliContext(), (db) => createApiKey(db, { name, scopes }));
        if (opts.json) return void console.log(JSON.stringify(created, null, 2));
        console.log(
          `created ${created.id} "${created.name}" with scopes ${created.scopes.join(", ")}`,
        );
        console.log(created.key);
        process.stderr.write(
          "store this key now: it is kept only hashed and cannot be shown again\n",
        );
      }),
    );
  cmd
    .command("list")
    .description(
      "Every key with its scopes, creation, last use and revocation (never the key itself)",
    )
    .option("--json", "print JSON instead of a table")
    .action((opts: { json?: boolean }) =>
      run(async () => {
        const keys = await withDb(cliContext(), (db) => listApiKeys(db));
        if (opts.json) return void console.log(JSON.stringify(keys, null, 2));
        console.log(
          table(
            ["id", "name", "scopes", "created", "last used", "revoked"],
            keys.map((k) => [
              k.id,
              k.name,
              k.scopes.join(","),
              k.createdAt,
              k.lastUsedAt,
              k.revokedAt,
            ]),
          ),
        );
      }),
    );
  cmd
    .command("revoke")
    .argument("<id>", "the key's id (key_…), as `uaip keys list` shows it")
    .description(
      "Revoke a key: hub processes refuse it within their key cache time (5 s by default)",
    )
    .action((id: string) =>
      run(async () => {
        const revoked = await withDb(cliContext(), (db) => revokeApiKey(db, id));
        if (!revoked) {
          process.stderr.write(`uaip: no API key "${id}" (see uaip keys list)\n`);
          return 1;
        }
        console.log(`revoked ${revoked.id} "${revoked.name}" at ${revoked.revokedAt}`);
      }),
    );
  return cmd;
}
