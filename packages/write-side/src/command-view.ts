import type { CommandsTable } from "@uaip/migrations";
import { commandFromTable } from "@uaip/projections";
import type { Selectable } from "kysely";

/** A command as `GET /commands/:id` shows it (the same shape as the query API's). */
export function commandView(row: Selectable<CommandsTable>) {
  const { commandId, ...rest } = commandFromTable(row);
  return { id: commandId, ...rest, params: { ...rest.params } };
}

export type CommandView = ReturnType<typeof commandView>;
