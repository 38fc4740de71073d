export { cancelCommand } from "./cancel-command.ts";
export { commandIdFor, newCommandId } from "./command-ids.ts";
export { decommissionDevice } from "./decommission-device.ts";
export type { IssuedCommand } from "./issue-command.ts";
export { issueCommand } from "./issue-command.ts";
export type { RegistrySequences } from "./log-lookups.ts";
export { registrySequences } from "./log-lookups.ts";
export type { RegisteredDevice, Stored } from "./register-device.ts";
export { registerDevice } from "./register-device.ts";
export { updateDevice } from "./update-device.ts";
export type { WriteDeps } from "./write-deps.ts";
export {
  CommandFinalError,
  CommandNotSupportedError,
  DeviceDecommissionedError,
  DeviceExistsError,
  IdempotencyKeyReusedError,
  InvalidInputError,
  ProjectionBehindError,
  UnknownCommandError,
  UnknownDeviceError,
  VersionMismatchError,
} from "./write-errors.ts";
export { writeProblem } from "./write-problems.ts";
export { WriteBodyLimitBytes, writeRouteSpecs } from "./write-route-specs.ts";
export type {
  CancelCommandInput,
  DecommissionDeviceInput,
  IssueCommandInput,
  RegisterDeviceInput,
  UpdateDeviceInput,
} from "./write-schemas.ts";
export {
  CancelCommandBody,
  DecommissionDeviceBody,
  IdempotencyKeySchema,
  IfMatchSchema,
  IssueCommandBody,
  MaxTtlSeconds,
  RegisterDeviceBody,
  UpdateDeviceBody,
} from "./write-schemas.ts";
