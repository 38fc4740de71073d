// `@uaip/projections/testing`: fixtures for specs of other packages (the cache service's).
export {
  at,
  clearNamespace,
  commitInBatches,
  deviceRow,
  dumpNamespace,
  expectedFleetState,
  fleetState,
  recorded,
  sampleHistory,
} from "./redis-fixtures.ts";
