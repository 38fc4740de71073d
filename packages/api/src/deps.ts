import type { JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { Db, Logger } from "@uaip/platform";
import type { Redis } from "ioredis";

/** What the API needs from the process; tests pass their own isolated set. */
export interface ApiDeps {
  readonly namespace: string;
  readonly db: Db;
  readonly redis: Redis;
  readonly nc: NatsConnection;
  readonly jsm: JetStreamManager;
  readonly logger: Logger;
}
