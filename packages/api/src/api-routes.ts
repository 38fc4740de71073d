import type { Route } from "@uaip/http-kit";
import type { ApiServices } from "./api-services.ts";
import { commandRoutes } from "./routes/commands.ts";
import { deviceHistoryRoutes } from "./routes/device-history.ts";
import { deviceStateRoutes } from "./routes/device-state.ts";
import { deviceTelemetryRoutes } from "./routes/device-telemetry.ts";
import { deviceRoutes } from "./routes/devices.ts";
import { eventRoutes } from "./routes/events.ts";
import { healthRoutes } from "./routes/health.ts";
import { keyRoutes } from "./routes/keys.ts";
import { metricsRoutes } from "./routes/metrics.ts";
import { projectionRoutes } from "./routes/projections.ts";
import { statsRoutes } from "./routes/stats.ts";
import { streamRoutes } from "./routes/stream.ts";

/**
 * Every route of the API, in the order the document lists them. A new route module (the
 * write side's, for one) returns `Route[]` from `defineRoute` and is added here: that one
 * line mounts it and documents it.
 */
export function apiRoutes(s: ApiServices): Route[] {
  return [
    ...deviceRoutes(s),
    ...deviceHistoryRoutes(s),
    ...deviceTelemetryRoutes(s),
    ...deviceStateRoutes(s),
    ...commandRoutes(s),
    ...statsRoutes(s),
    ...projectionRoutes(s),
    ...streamRoutes(s),
    ...eventRoutes(s),
    ...keyRoutes(s),
    ...healthRoutes(s),
    ...metricsRoutes(s),
  ];
}
