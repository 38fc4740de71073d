export {
  InvalidServiceUrlError,
  isMissingBinary,
  isServiceStartError,
  MissingBinaryError,
  ServiceStartError,
} from "./errors.ts";
export { freePort } from "./free-port.ts";
export {
  ensureLocalServices,
  type LocalServices,
  type LocalServicesOptions,
} from "./local-services.ts";
export { type ProbeResult, probeNats, probePostgres, probeRedis } from "./probe.ts";
