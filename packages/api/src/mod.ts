export type { ApiOptions } from "./api-options.ts";
export { defaultApiOptions, resolveApiOptions } from "./api-options.ts";
export { allRoutes, createApp } from "./app.ts";
export type { ApiKeyInfo, CreatedApiKey } from "./auth/api-keys.ts";
export { createApiKey, hashApiKey, listApiKeys, revokeApiKey } from "./auth/api-keys.ts";
export type { ApiDeps } from "./deps.ts";
export { openApiDocument } from "./openapi/openapi-document.ts";
export type { Problem } from "./problem.ts";
export { HttpProblem, problems } from "./problem.ts";
export type {
  ApiContext,
  ApiEnv,
  ProjectionRef,
  Route,
  RouteInput,
  RouteSpec,
  Scope,
} from "./route-spec.ts";
export { defineRoute, Scopes } from "./route-spec.ts";
export type { RunningServer } from "./server.ts";
export { listen } from "./server.ts";
export type { DeviceView } from "./views/device-view.ts";
export { DeviceViewSchema, deviceView } from "./views/device-view.ts";
