export type { DeviceRow } from "./devices/device-row.ts";
export { evolveDevice, foldDevices } from "./devices/devices-fold.ts";
export { devicesProjection } from "./devices/devices-projection.ts";
export { fromTable as deviceFromTable, loadDevices } from "./devices/devices-writer.ts";
export type { Projection } from "./projection.ts";
export { UnfoldableEventError } from "./projection.ts";

import { devicesProjection } from "./devices/devices-projection.ts";
import type { Projection } from "./projection.ts";

/** Every projection the hub runs, by name. */
export const projections: readonly Projection[] = [devicesProjection];
