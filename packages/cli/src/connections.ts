import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { connectNats, createDatabase, type Db, jetStreamHandles } from "@uaip/platform";
import type { CliContext } from "./context.ts";

export interface CliConnections {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly db: Db;
}

/** Opens NATS and PostgreSQL for one command and closes both however it ends. */
export async function withConnections<T>(
  ctx: CliContext,
  fn: (c: CliConnections) => Promise<T>,
): Promise<T> {
  const nc = await connectNats(ctx.config.nats, "uaip-cli");
  const db = createDatabase(ctx.config.databaseUrl, {
    namespace: ctx.config.namespace,
    name: "uaip-cli",
  });
  try {
    const { js, jsm } = await jetStreamHandles(nc);
    return await fn({ nc, js, jsm, db });
  } finally {
    await db.destroy();
    await nc.close();
  }
}
