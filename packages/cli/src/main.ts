import { createLogger } from "@uaip/platform";
import { uaipProgram } from "./program.ts";

// What no command caught: one JSON line with the error's cause chain, then exit 1, never a
// bare stack on stderr (the one place Node would otherwise print one).
const crash = (msg: string) => (err: unknown) => {
  createLogger("fatal", "uaip", "stderr").fatal({ err }, msg);
  process.exit(1);
};
process.on("uncaughtException", crash("uncaught exception"));
process.on("unhandledRejection", crash("unhandled rejection"));

await uaipProgram().parseAsync(process.argv);
