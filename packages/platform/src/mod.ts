export type { HubConfig } from "./config.ts";
export { ConfigError, configVariables, loadConfig, renderConfigTable } from "./config.ts";
export type { DatabaseOptions, Db } from "./database.ts";
export { createDatabase, databaseSchema, dropDatabase, ensureDatabase } from "./database.ts";
export type { Logger } from "./logger.ts";
export { createLogger } from "./logger.ts";
export type { JetStreamHandles } from "./nats.ts";
export { connectNats, jetStreamHandles } from "./nats.ts";
export { createRedis } from "./redis.ts";
