export { createApp } from "./app.ts";
export type { ApiDeps } from "./deps.ts";
export type { DeviceView } from "./device-view.ts";
export { deviceView } from "./device-view.ts";
export type { Problem } from "./problem.ts";
export { HttpProblem, problems } from "./problem.ts";
export type { RunningServer } from "./server.ts";
export { listen } from "./server.ts";
