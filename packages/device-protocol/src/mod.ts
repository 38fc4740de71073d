export type { AppendOptions, AppendTarget } from "./append-event.ts";
export {
  appendEvent,
  jetStreamErrorCode,
  NotAHubEventError,
  WrongLastSequence,
} from "./append-event.ts";
export type { CommandReply, CommandRequest } from "./command-messages.ts";
export { CommandReplySchema, CommandRequestSchema, commandEventId } from "./command-messages.ts";
export { deviceSubjects, presenceFilters } from "./device-subjects.ts";
export type { HubMsgIds } from "./hub-msg-id.ts";
export { hubMsgId, hubMsgIds, hubSecretBucket, loadHubSecret } from "./hub-msg-id.ts";
export {
  appendSpanAttributes,
  appendSpanName,
  extractTraceContext,
  injectTraceContext,
  traceContextOf,
  traceHeaders,
  tracingRegistered,
} from "./nats-trace-headers.ts";
