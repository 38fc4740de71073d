/**
 * Runs the dispatcher part alone (tracker, dispatcher, watchdog) until SIGINT/SIGTERM:
 *
 *   node --import tsx packages/dispatcher/src/dispatcher-process.ts
 *
 * Configured like the hub (NATS_URL, DATABASE_URL, UAIP_NAMESPACE, LOG_LEVEL,
 * DISPATCHER_*, PRESENCE_TIMEOUT_MS, OTEL_*, …). The failover tests run it as a child process;
 * `uaip start --only dispatcher` does the same inside the hub.
 */
import { connectNats, createDatabase, createLogger, type Logger, loadConfig } from "@uaip/platform";
import { startTracing } from "@uaip/telemetry";
import { startDispatcher } from "./start-dispatcher.ts";

// Until the config names a level, failures still go out as JSON lines.
let logger: Logger = createLogger("info", "uaip-dispatcher");
const crash = (msg: string) => (err: unknown) => {
  logger.fatal({ err }, msg);
  process.exit(1);
};
process.on("uncaughtException", crash("uncaught exception"));
process.on("unhandledRejection", crash("unhandled rejection"));

try {
  const config = loadConfig(process.env);
  const settings = config.dispatcher;
  logger = createLogger(config.logLevel, "uaip-dispatcher");
  await using _tracing = startTracing(config.tracing, logger, {
    defaultServiceName: "uaip-dispatcher",
  });
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
  logger.fatal({ err }, "dispatcher failed");
  process.exitCode = 1;
}
