export type { OtlpReceiver, ReceivedSpan } from "./otlp-receiver.ts";
export { renderTrace, startOtlpReceiver } from "./otlp-receiver.ts";
export type { RecordedSpans } from "./record-spans.ts";
export { recordSpans } from "./record-spans.ts";
