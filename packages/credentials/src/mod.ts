export type { DeviceCredentials } from "./device-credentials.ts";
export { createDeviceCredentials, InvalidDeviceIdError } from "./device-credentials.ts";
export type { NatsPermissions } from "./device-permissions.ts";
export { devicePermissions } from "./device-permissions.ts";
export type { ServerConfigOptions } from "./nats-config.ts";
export { renderServerConfig, renderUserEntry } from "./nats-config.ts";
