/**
 * Runs the dispatcher part alone (tracker, dispatcher, watchdog) until SIGINT/SIGTERM:
 *
 *   node --import tsx packages/dispatcher/src/dispatcher-process.ts
 *
 * Configured like the hub (NATS_URL, DATABASE_URL, UAIP_NAMESPACE, LOG_LEVEL,
 * DISPATCHER_*, PRESENCE_TIMEOUT_MS, …). The failover tests run it as a child process;
 * `uaip start --only dispatcher` does the same inside the hub.
 */
import { connectNats, createDatabase, createLogger, loadConfig } from "@uaip/platform";
import { startDispatcher } from "./start-dispatcher.ts";

try {
  const config = loadConfig(process.env);
  const settings = config.dispatcher;
  const logger = createLogger(config.logLevel, "uaip-dispatcher");
  const nc = await connectNats(config.nats, "uaip-dispatcher");
  const db = createDatabase(config.databaseUrl, {
    namespace: config.namespace,
    name: "uaip-dispatcher",
    max: 4,
  });
  const running = await startDispatcher({ nc, db, namespace: config.namespace, logger }, settings);
  logger.info({ namespace: config.namespace, settings }, "dispatcher started");
  const signal = await new Promise<string>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
    // Started with an IPC channel (the tests do): stop when the parent is gone.
    if (process.send) process.once("disconnect", () => resolve("parent exited"));
  });
  logger.info({ signal }, "stopping");
  await running.stop();
  await nc.drain();
  await db.destroy();
} catch (err) {
  process.stderr.write(`uaip-dispatcher: ${(err as Error).message}\n`);
  process.exitCode = 1;
}
