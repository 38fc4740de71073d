import type { Projection } from "../projection.ts";
import { writeCommands } from "./commands-writer.ts";

/** Every command with its lifecycle, attempts and result. */
export const commandsProjection: Projection = {
  name: "commands",
  stream: "commands",
  tables: ["commands"],
  apply: writeCommands,
};
