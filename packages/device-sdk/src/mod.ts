export type {
  CommandContext,
  CommandHandler,
  CommandOutcome,
} from "./command-inbox.ts";
export type { DeviceRegistration, DeviceStats } from "./device-client.ts";
export { connectDevice, DeviceClient } from "./device-client.ts";
export type { DeviceCredentialsOption, DeviceOptions } from "./device-options.ts";
export { InvalidDeviceOptionsError } from "./device-options.ts";
export {
  BufferOverflowError,
  DeviceClosedError,
  FlushTimeoutError,
  isBufferOverflow,
  isPublishRejected,
  PublishRejectedError,
} from "./errors.ts";
export type { BatchResult, StoredAck } from "./publish-results.ts";
