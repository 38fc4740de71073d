export type { AppendOptions } from "./append-event.ts";
export { appendEvent, jetStreamErrorCode, WrongLastSequence } from "./append-event.ts";
export type { CommandReply, CommandRequest } from "./command-messages.ts";
export { CommandReplySchema, CommandRequestSchema, commandEventId } from "./command-messages.ts";
export { deviceSubjects, presenceFilters } from "./device-subjects.ts";
export { SourceHeader } from "./source-header.ts";
