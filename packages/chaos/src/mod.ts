export { lostEvents } from "./checks/acked-in-log.ts";
export type { ApiProbe, ProbeRoute, ProbeTally } from "./checks/api-probe.ts";
export { standardRoutes, startApiProbe, waitApiRecovered } from "./checks/api-probe.ts";
export type { DoubleApplyReport } from "./checks/double-apply.ts";
export { doubleApplyChecks } from "./checks/double-apply.ts";
export { finalChecks } from "./checks/final-checks.ts";
export { projectionPositions, streamHeads, waitCaughtUp } from "./checks/projection-positions.ts";
export { redisMismatches } from "./checks/redis-matches.ts";
export type { LoggedMessage, StreamLog } from "./checks/stream-log.ts";
export { readStreamLog } from "./checks/stream-log.ts";
export type { VerifyOutcome } from "./checks/verify-projections.ts";
export { verifyProjections } from "./checks/verify-projections.ts";
export { HubProcessError, UaipCommandError } from "./errors.ts";
export type { ApiAnswer, ApiClient } from "./hub/api-client.ts";
export { apiClient } from "./hub/api-client.ts";
export type { HubExit, HubPart, HubProcessOptions } from "./hub/hub-process.ts";
export { HubProcess, uaipBin } from "./hub/hub-process.ts";
export { runUaip } from "./hub/run-uaip.ts";
export type { AckedEvent } from "./load/acked-event.ts";
export type {
  DeviceFleet,
  FleetOptions,
  LoadOptions,
  LoadRun,
  LoadSummary,
} from "./load/device-fleet.ts";
export { openFleet } from "./load/device-fleet.ts";
export { dueEvents } from "./load/rate-schedule.ts";
export { renderTable, resultColumns, resultRows } from "./report/results-table.ts";
export { defaultResultsDir, resultsMarkdown, writeResults } from "./report/write-results.ts";
export type { Rng } from "./rng.ts";
export { createRng } from "./rng.ts";
export type { ChaosEnvOptions, NatsAuth } from "./scenario/chaos-env.ts";
export { ChaosEnv, suiteHubSettings } from "./scenario/chaos-env.ts";
export type { RunOptions } from "./scenario/run-scenario.ts";
export { runScenario } from "./scenario/run-scenario.ts";
export type {
  FaultRecord,
  Scenario,
  ScenarioContext,
  ScenarioRecord,
  ScenarioResult,
} from "./scenario/scenario.ts";
export { scenarios } from "./scenarios/all-scenarios.ts";
export type {
  PrivateService,
  PrivateServices,
  PrivateServicesOptions,
} from "./services/private-services.ts";
export { startPrivateServices } from "./services/private-services.ts";
