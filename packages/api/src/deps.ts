import type { JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { Route } from "@uaip/http-kit";
import type { Db, Logger } from "@uaip/platform";
import type { Redis } from "ioredis";
import type { ApiOptions } from "./api-options.ts";

/** What a package's routes get to build on: the app's deps, and its database with every query timed. */
export interface RouteHost {
  readonly deps: ApiDeps;
  readonly db: Db;
}

/** What the API needs from the process; tests pass their own isolated set. */
export interface ApiDeps {
  readonly namespace: string;
  readonly db: Db;
  readonly redis: Redis;
  readonly nc: NatsConnection;
  readonly jsm: JetStreamManager;
  readonly logger: Logger;
  /** The NATS server's monitoring endpoint, re-exported on `/metrics` (`uaip_nats_*`); unset: off. */
  readonly natsMonitorUrl?: string;
  /** Behaviour chosen by configuration; anything left out takes its default (auth required). */
  readonly options?: Partial<ApiOptions>;
  /**
   * More routes, from packages the API does not import (the write side): declared with
   * `defineRoute` (@uaip/http-kit), they get the same auth, validation, read-your-writes,
   * metrics, error mapping and OpenAPI entry as the API's own.
   *
   * @example
   * createApp({ ...deps, routes: (s) => writeRouteSpecs({ ...s.deps, db: s.db }) });
   */
  readonly routes?: (s: RouteHost) => readonly Route[];
}
