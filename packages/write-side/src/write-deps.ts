import type { JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { AppendTarget } from "@uaip/device-protocol";
import { subjects } from "@uaip/events";
import type { Db, Logger } from "@uaip/platform";

/**
 * What the write functions need: the log (NATS, JetStream) and the read models (PostgreSQL)
 * they consult. A subset of the API's deps, so the API passes its own.
 */
export interface WriteDeps {
  readonly namespace: string;
  readonly nc: NatsConnection;
  readonly jsm: JetStreamManager;
  readonly db: Db;
  readonly logger?: Logger;
  /**
   * Longest a write waits for the devices projection to reach the device's latest
   * registry event before it reads capabilities from it (then 503). Default 3 000.
   */
  readonly projectionWaitMs?: number;
}

/** Where the write side appends an operator's events (see appendEvent). */
export function appendTarget(deps: WriteDeps): AppendTarget {
  return { nc: deps.nc, js: deps.jsm.jetstream(), subjects: subjects(deps.namespace) };
}
