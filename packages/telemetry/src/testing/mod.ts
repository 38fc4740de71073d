export type { RecordedSpans } from "./record-spans.ts";
export { recordSpans } from "./record-spans.ts";
