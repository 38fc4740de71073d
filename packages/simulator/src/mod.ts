export type { ConnectorOptions, DeviceConnector } from "./fleet/device-connector.ts";
export { dedicatedConnector, deviceConnector, pooledConnector } from "./fleet/device-connector.ts";
export { errorKind } from "./fleet/error-kind.ts";
export type { FleetProgress, FleetStats, FleetSummary } from "./fleet/fleet-stats.ts";
export { fleetStats } from "./fleet/fleet-stats.ts";
export type { LatencyRecorder, LatencySummary } from "./fleet/latency-recorder.ts";
export { latencyRecorder } from "./fleet/latency-recorder.ts";
export type { ProgressWriter } from "./fleet/progress-line.ts";
export { progressLine, progressWriter } from "./fleet/progress-line.ts";
export type { FleetRunOptions } from "./fleet/run-fleet.ts";
export { runFleet } from "./fleet/run-fleet.ts";
export type { StoredEvent } from "./fleet/simulated-device.ts";
export { errorsText, fleetSummaryText, latencyText } from "./fleet/summary-text.ts";
export type { ApiTarget } from "./load/api-client.ts";
export type { E2eProber, E2eSummary } from "./load/e2e-prober.ts";
export { e2eProber } from "./load/e2e-prober.ts";
export { loadTestText } from "./load/load-test-text.ts";
export type { ProjectionLag } from "./load/projection-lag-sampler.ts";
export { projectionLagSampler } from "./load/projection-lag-sampler.ts";
export type { LoadTestOptions, LoadTestReport } from "./load/run-load-test.ts";
export { runLoadTest } from "./load/run-load-test.ts";
export type {
  AnyDeviceModel,
  CommandEffect,
  DeviceModel,
  ModelContext,
} from "./models/device-model.ts";
export { CommandRejectedError } from "./models/device-model.ts";
export type { DeviceTwin, MishapRates, TwinReport } from "./models/device-twin.ts";
export { advanceTwin, commandTwin, createTwin, defaultMishaps } from "./models/device-twin.ts";
export { deviceTypes, modelFor, UnknownDeviceTypeError } from "./models/device-types.ts";
export type { Rng } from "./models/rng.ts";
export { createRng, hashSeed } from "./models/rng.ts";
export type { MetricSpec, SensorSpec } from "./models/sensor.ts";
export { parseMetricSpecs, sensorModel } from "./models/sensor.ts";
export type { DeviceSpec } from "./plans/device-spec.ts";
export { slug } from "./plans/device-spec.ts";
export { defaultFleetTypes, loadFleet, mixedFleet, singleDevice } from "./plans/fleet-plans.ts";
export type { ScenarioName } from "./plans/scenarios.ts";
export { isScenarioName, ScenarioNames, scenarioDevices } from "./plans/scenarios.ts";
