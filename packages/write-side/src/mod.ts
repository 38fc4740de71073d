export { cancelCommand } from "./cancel-command.ts";
export { commandIdFor, newCommandId } from "./command-ids.ts";
export type { CommandView } from "./command-view.ts";
export { commandView } from "./command-view.ts";
export { CommandWatcher } from "./command-watcher.ts";
export { decommissionDevice } from "./decommission-device.ts";
export type { IssuedCommand } from "./issue-command.ts";
export { issueCommand } from "./issue-command.ts";
export type { RegistrySequences } from "./log-lookups.ts";
export { registrySequences } from "./log-lookups.ts";
export type { RegisteredDevice, Stored } from "./register-device.ts";
export { registerDevice } from "./register-device.ts";
export { updateDevice } from "./update-device.ts";
export { waitForCommand } from "./wait-for-command.ts";
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
export { payloadTooLarge, toProblem } from "./write-problems.ts";
export type { WriteRoutesOptions } from "./write-routes.ts";
export { writeRoutes } from "./write-routes.ts";
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
  WaitSchema,
} from "./write-schemas.ts";
