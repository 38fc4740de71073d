// The scopes an API key may hold are the HTTP kit's, re-exported for the key store's users.
export type { Scope } from "@uaip/http-kit";
export { Scopes } from "@uaip/http-kit";
export type { ApiOptions } from "./api-options.ts";
export { defaultApiOptions, resolveApiOptions } from "./api-options.ts";
export { allRoutes, createApp } from "./app.ts";
export type { ApiKeyInfo, CreatedApiKey } from "./auth/api-keys.ts";
export { createApiKey, hashApiKey, listApiKeys, revokeApiKey } from "./auth/api-keys.ts";
export type { ApiDeps, RouteHost } from "./deps.ts";
export type { RunningServer } from "./server.ts";
export { listen } from "./server.ts";
export type { DeviceView } from "./views/device-view.ts";
export { DeviceViewSchema, deviceView } from "./views/device-view.ts";
