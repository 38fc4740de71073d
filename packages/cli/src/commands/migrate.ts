import { migrateDown, migrateUp, migrationStatus } from "@uaip/migrations";
import { createDatabase, ensureDatabase } from "@uaip/platform";
import { Command } from "commander";
import { cliContext, run, UsageError } from "../context.ts";
import { table } from "../output.ts";

async function withDb<T>(fn: (db: ReturnType<typeof createDatabase>) => Promise<T>): Promise<T> {
  const { config } = cliContext();
  await ensureDatabase(config.databaseUrl);
  const db = createDatabase(config.databaseUrl, {
    namespace: config.namespace,
    max: 1,
    name: "uaip-migrate",
  });
  try {
    return await fn(db);
  } finally {
    await db.destroy();
  }
}

export function migrateCommand(): Command {
  const cmd = new Command("migrate").description(
    "Create or update the read models' PostgreSQL schema (DATABASE_URL)",
  );
  cmd
    .command("up")
    .description("Apply every pending migration (creates the database if it does not exist)")
    .action(() =>
      run(() =>
        withDb(async (db) => {
          const r = await migrateUp(db);
          for (const name of r.changed) console.log(`applied  ${name}`);
          if (r.error) throw r.error;
          if (r.changed.length === 0) console.log("nothing to apply: the schema is up to date");
        }),
      ),
    );
  cmd
    .command("down")
    .description("Revert the most recent migration(s); the read models can be rebuilt from the log")
    .option("--steps <n>", "how many migrations to revert", "1")
    .action((opts: { steps: string }) =>
      run(() => {
        const steps = Number(opts.steps);
        if (!Number.isInteger(steps) || steps < 1)
          throw new UsageError(`--steps: must be a whole number ≥ 1 (got "${opts.steps}")`);
        return withDb(async (db) => {
          const r = await migrateDown(db, steps);
          for (const name of r.changed) console.log(`reverted ${name}`);
          if (r.error) throw r.error;
          if (r.changed.length === 0) console.log("nothing to revert");
        });
      }),
    );
  cmd
    .command("status")
    .description("List migrations and whether each is applied")
    .action(() =>
      run(() =>
        withDb(async (db) => {
          const states = await migrationStatus(db);
          console.log(
            table(
              ["migration", "applied at"],
              states.map((s) => [s.name, s.executedAt?.toISOString() ?? "pending"]),
            ),
          );
        }),
      ),
    );
  return cmd;
}
