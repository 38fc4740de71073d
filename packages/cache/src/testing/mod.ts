// `@uaip/cache/testing`: what every DeviceCache implementation's spec asserts.
export {
  deviceCacheContract,
  ids,
  roundTripsPerOperation,
  rowsFor,
  six,
  statusesFor,
  warmUp,
} from "./device-cache-contract.ts";
