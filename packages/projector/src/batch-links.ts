import type { Link } from "@opentelemetry/api";
import type { RecordedEvent } from "@uaip/events";

/** Most links a batch span carries: a batch of 500 events would otherwise carry 500. */
export const MAX_BATCH_LINKS = 128;

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * Span links from a batch to the span that appended each event (its W3C `traceparent`), at
 * most `max` of them, first come first linked, one per distinct parent; events without a
 * valid traceparent add none. `dropped` counts the distinct parents past the bound.
 *
 * @example
 * batchLinks([{ …, traceparent: "00-0af7…319c-b7ad…3331-01" }]); // { links: [{ context: … }], dropped: 0 }
 */
export function batchLinks(
  events: readonly Pick<RecordedEvent, "traceparent">[],
  max = MAX_BATCH_LINKS,
): { links: Link[]; dropped: number } {
  const links: Link[] = [];
  const seen = new Set<string>();
  let dropped = 0;
  for (const e of events) {
    const m = e.traceparent ? TRACEPARENT.exec(e.traceparent) : null;
    if (!m || seen.has(e.traceparent!)) continue;
    const traceId = m[1]!;
    const spanId = m[2]!;
    if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) continue;
    seen.add(e.traceparent!);
    if (links.length >= max) {
      dropped++;
      continue;
    }
    links.push({
      context: { traceId, spanId, traceFlags: Number.parseInt(m[3]!, 16) & 1, isRemote: true },
    });
  }
  return { links, dropped };
}
