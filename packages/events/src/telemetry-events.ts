import * as v from "valibot";
import { NameTokenSchema } from "./identifiers.ts";

const ReadingSchema = v.pipe(v.number(), v.finite("must be a finite number"));

/** Current shape (v2): several named numeric metrics in one event. */
export const TelemetryReportedData = v.strictObject({
  metrics: v.pipe(
    v.record(NameTokenSchema, ReadingSchema),
    v.check((m) => {
      const n = Object.keys(m).length;
      return n >= 1 && n <= 128;
    }, "must hold 1-128 metrics"),
  ),
});

/** First shape (v1): one metric per event. Still folded, through the upcaster below. */
export const TelemetryReportedDataV1 = v.strictObject({
  metric: NameTokenSchema,
  value: ReadingSchema,
});

export function upcastTelemetryV1(
  data: v.InferOutput<typeof TelemetryReportedDataV1>,
): v.InferInput<typeof TelemetryReportedData> {
  return { metrics: { [data.metric]: data.value } };
}
