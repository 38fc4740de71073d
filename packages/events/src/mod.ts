export type { EventData, EventType, StreamKind, Upcaster } from "./catalog.ts";
export { catalog, EventTypes, isEventType, StreamKinds } from "./catalog.ts";
export { eventDataJsonSchema, renderCatalogDoc } from "./catalog-doc.ts";
export { CommandErrorSchema, CommandIssuedData, CommandParamsSchema } from "./command-events.ts";
export type { EventInput } from "./create-event.ts";
export { createEvent, InvalidEventError } from "./create-event.ts";
export type { DecodeResult, RawStoredMessage, Rejection, RejectionReason } from "./decode.ts";
export { decodeEvent } from "./decode.ts";
export type { DeviceStatus } from "./device-events.ts";
export {
  DeviceRegisteredData,
  DeviceStatusChangedData,
  DeviceStatuses,
  DeviceUpdatedData,
  ReasonSchema,
} from "./device-events.ts";
export type { DeviceEvent, EventOf, EventSource, RecordedEvent } from "./envelope.ts";
export { EventSources, IncomingEnvelopeSchema } from "./envelope.ts";
export type { CommandId, DeviceId } from "./identifiers.ts";
export { CommandIdSchema, DeviceIdSchema, IsoTimeSchema, NameTokenSchema } from "./identifiers.ts";
export type { FieldIssue } from "./issues.ts";
export { describeIssues, fieldIssues } from "./issues.ts";
export type { SubjectInfo, Subjects } from "./naming.ts";
export { NamespaceSchema, streamName, subjects } from "./naming.ts";
export {
  JsonValueSchema,
  noControlCharacters,
  printable,
  TextSchema,
  wellFormedUnicode,
} from "./text.ts";
export type { UpcastResult } from "./upcast.ts";
export { upcast } from "./upcast.ts";
