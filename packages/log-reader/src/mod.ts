export { closeWithin } from "./close-within.ts";
export { rawMessage } from "./raw-message.ts";
export type { LogEnd, LogEntry, LogRead, LogStart, ReadLogOptions } from "./read-log.ts";
export { readLog } from "./read-log.ts";
