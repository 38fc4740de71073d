export {
  InvalidServiceUrlError,
  isMissingBinary,
  isServiceStartError,
  MissingBinaryError,
  ServiceStartError,
} from "./errors.ts";
export { findBinary } from "./find-binary.ts";
export { freePort } from "./free-port.ts";
export { type Launched, type LaunchOptions, launchService } from "./launch-service.ts";
export {
  ensureLocalServices,
  type LocalServices,
  type LocalServicesOptions,
} from "./local-services.ts";
export type { ManagedProcess } from "./managed-process.ts";
export { type ProbeResult, probeNats, probePostgres, probeRedis } from "./probe.ts";
export { type ProcessOutcome, type RunToEndOptions, runToEnd } from "./run-to-end.ts";
export { startNats } from "./start-nats.ts";
export { startPostgres } from "./start-postgres.ts";
export { startRedis } from "./start-redis.ts";
export type { ServiceName, StartedService } from "./started-service.ts";
