import { DeviceIdSchema } from "@uaip/events";
import { Hono } from "hono";
import * as v from "valibot";
import type { ApiDeps } from "../deps.ts";
import { deviceView } from "../device-view.ts";
import { problems } from "../problem.ts";
import { parseOr400 } from "../validation.ts";

const DevicePath = v.object({ id: DeviceIdSchema });

/** Queries over the `devices` projection. */
export function deviceRoutes(deps: ApiDeps) {
  return new Hono().get("/:id", async (c) => {
    const { id } = parseOr400(DevicePath, c.req.param(), "path");
    const row = await deps.db
      .selectFrom("devices")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirst();
    if (!row) throw problems.notFound(`no device "${id}"`);
    return c.json(deviceView(row));
  });
}
