import { uaipProgram } from "./program.ts";

await uaipProgram().parseAsync(process.argv);
