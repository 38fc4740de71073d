import { CommandIdSchema } from "@uaip/events";
import { defineRoute, problems, type Route } from "@uaip/http-kit";
import { commandFromTable, commandsProjection } from "@uaip/projections";
import { sql } from "kysely";
import * as v from "valibot";
import type { ApiServices } from "../api-services.ts";
import { isFinalState, readCommand, waitForCommand } from "../command-wait.ts";
import { decodeCursor, encodeCursor } from "../cursor.ts";
import { assertDeviceKnown } from "../device-reader.ts";
import { CursorSchema, limitSchema, pageSchema, WaitQuerySchema } from "../query-schemas.ts";
import { CommandStates, CommandViewSchema, commandView } from "../views/command-view.ts";
import { DevicePath } from "./devices.ts";

const DeviceCommandsQuery = v.strictObject({
  state: v.optional(v.picklist(CommandStates)),
  limit: limitSchema(50, 500),
  cursor: CursorSchema,
});

const CommandQuery = v.strictObject({
  wait: v.optional(WaitQuerySchema),
});

/** Queries over the `commands` projection. */
export function commandRoutes(s: ApiServices): Route[] {
  const reads = [commandsProjection];
  return [
    defineRoute({
      method: "get",
      path: "/api/v1/devices/{id}/commands",
      operationId: "listDeviceCommands",
      summary: "A device's commands",
      description: "Newest first, optionally in one state, one page at a time.",
      tag: "commands",
      scope: "read",
      params: DevicePath,
      query: DeviceCommandsQuery,
      reads,
      responses: {
        200: {
          description: "A page of commands",
          schema: pageSchema(CommandViewSchema, "CommandPage"),
        },
        404: { description: "No such device" },
      },
      handler: async (c, { params, query }) => {
        let q = s.db
          .selectFrom("commands")
          .selectAll()
          .where("device_id", "=", params.id)
          .orderBy("issued_at", "desc")
          .orderBy("command_id", "desc")
          .limit(query.limit + 1);
        if (query.state) q = q.where("state", "=", query.state);
        if (query.cursor) {
          const [at, id] = decodeCursor(query.cursor, 2);
          q = q.where(
            sql<boolean>`(issued_at, command_id) < (${new Date(String(at))}, ${String(id)})`,
          );
        }
        const rows = await q.execute();
        if (rows.length === 0 && !query.cursor) await assertDeviceKnown(s, params.id);
        const page = rows.slice(0, query.limit).map((r) => commandView(commandFromTable(r)));
        const last = page.at(-1);
        return c.json({
          items: page,
          next: rows.length > query.limit && last ? encodeCursor([last.issuedAt, last.id]) : null,
        });
      },
    }),
    defineRoute({
      method: "get",
      path: "/api/v1/commands/{id}",
      operationId: "getCommand",
      summary: "One command",
      description:
        "Its lifecycle: state, attempts, the time of each phase, result or error. With `wait`, a long-poll: a command not yet final (completed, failed, expired, cancelled) is answered once it is, or as it stands when the wait ends; one not yet known is waited for too (404 only if it still is not by then).",
      tag: "commands",
      scope: "read",
      params: v.object({ id: CommandIdSchema }),
      query: CommandQuery,
      reads,
      waitsUpToMs: ({ query }) => query.wait ?? 0,
      responses: {
        200: { description: "The command", schema: CommandViewSchema },
        404: { description: "No such command" },
      },
      handler: async (c, { params, query }) => {
        let row = await readCommand(s, params.id);
        if (query.wait && !(row && isFinalState(row.state))) {
          row = await waitForCommand(s, params.id, query.wait, c.req.raw.signal);
        }
        if (!row) throw problems.notFound(`no command "${params.id}"`);
        return c.json(commandView(commandFromTable(row)));
      },
    }),
  ];
}
