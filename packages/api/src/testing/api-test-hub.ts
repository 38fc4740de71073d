import { createEvent, type DeviceEvent } from "@uaip/events";
import type { RouteEnv, Scope } from "@uaip/http-kit";
import { type Projector, startProjectors } from "@uaip/projector";
import { createTestHub, type TestHub } from "@uaip/testkit";
import type { Hono } from "hono";
import type { ApiOptions } from "../api-options.ts";
import { createApp } from "../app.ts";
import { createApiKey } from "../auth/api-keys.ts";

/**
 * A test's own hub: isolated namespace, database and Redis prefix (testkit), the real
 * projectors (every PostgreSQL projection and the Redis cache), and the API app over them.
 */
export interface ApiTestHub extends AsyncDisposable {
  readonly t: TestHub;
  readonly app: Hono<RouteEnv>;
  readonly projectors: Projector[];
  /** A key with these scopes, created through the same code as `uaip keys create`. */
  key(...scopes: Scope[]): Promise<string>;
  /** Publishes events and waits until every projection of their streams has applied them. */
  publishAndWait(events: readonly DeviceEvent[]): Promise<number>;
  /** Waits until every running projection has reached its stream's last sequence. */
  caughtUp(): Promise<void>;
  close(): Promise<void>;
}

export async function startApiTestHub(
  options: Partial<ApiOptions> = {},
  opts: { redisProjection?: boolean } = {},
): Promise<ApiTestHub> {
  const t = await createTestHub();
  const running = startProjectors(
    { ...t, ...((opts.redisProjection ?? true) ? {} : { redis: undefined }) },
    { batchSize: 500, batchWaitMs: 5 },
  );
  const projectors = [...running.projectors];
  const app = createApp({
    namespace: t.namespace,
    db: t.db,
    redis: t.redis,
    nc: t.nc,
    jsm: t.jsm,
    logger: t.logger,
    options,
  });

  const caughtUp = () => running.caughtUp();
  const close = async () => {
    await running.stop();
    await t.close();
  };
  return {
    t,
    app,
    projectors,
    key: async (...scopes) =>
      (await createApiKey(t.db, { name: `test-${scopes.join("-")}`, scopes })).key,
    async publishAndWait(events) {
      let last = 0;
      for (const e of events) last = (await t.publish(e)).seq;
      await caughtUp();
      return last;
    },
    caughtUp,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** A registered device, online, at a fixed time unless given. */
export function sampleDevice(
  id: string,
  fields: { type?: string; tags?: string[]; location?: string; name?: string } = {},
  at = new Date(),
): DeviceEvent[] {
  return [
    createEvent(
      "device.registered",
      id,
      {
        name: fields.name ?? `Device ${id}`,
        type: fields.type ?? "thermostat",
        tags: fields.tags ?? [],
        location: fields.location ?? null,
      },
      { occurredAt: at },
    ),
    createEvent("device.status_changed", id, { status: "online" }, { occurredAt: at }),
  ];
}
