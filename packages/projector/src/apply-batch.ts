import type { Span } from "@opentelemetry/api";
import type { RawStoredMessage, RecordedEvent } from "@uaip/events";
import type { LogEntry } from "@uaip/log-reader";
import { packageTracer, retryWithBackoff, withSpan } from "@uaip/platform";
import { isCheckpointConflict, type RejectedMessage } from "@uaip/projections";
import { batchLinks, MAX_BATCH_LINKS } from "./batch-links.ts";
import { publishDeadLetters } from "./dead-letters.ts";
import { isTransient } from "./errors.ts";
import { isolatePoison } from "./isolate-poison.ts";
import { batchDuration, messagesProcessed, projectionLag, rejectedEvents } from "./metrics.ts";
import { type ProjectorWorker, streamIdField } from "./projector-worker.ts";

/**
 * Applies one batch, retrying while a store is down: the batch stays unacked and is tried
 * again (100·2^attempt ms, at most 5 s). Nothing is lost (the log has it) and nothing is
 * applied twice (the checkpoint did not move). Stops retrying once the worker is stopping.
 * Each attempt is a span (`projector batch devices`) linked to the spans that appended its
 * events (at most MAX_BATCH_LINKS), its transaction and statements as children.
 */
export async function applyBatch(w: ProjectorWorker, batch: readonly LogEntry[]): Promise<void> {
  await retryWithBackoff(
    async () => {
      w.applying = true;
      try {
        await withSpan(
          packageTracer("@uaip/projector"),
          `projector batch ${w.name}`,
          { attributes: { "uaip.projection": w.name, "uaip.batch.size": batch.length } },
          (span) => applyOnce(w, batch, span),
        );
      } finally {
        w.applying = false;
      }
      if (w.state === "retrying") w.state = "running";
    },
    {
      retryable: isTransient,
      // 200 ms after the first failure, then doubling: 100·2^attempt, as ever.
      initialDelayMs: 200,
      maxDelayMs: 5_000,
      signal: w.stopping,
      onRetry: (err, attempt, delay) => {
        w.state = "retrying";
        w.log.warn({ err: (err as Error).message, attempt, delay }, "batch failed, retrying");
      },
    },
  );
}

/**
 * Commits the entries above the checkpoint (and up to `stopAt`): events applied, poison
 * isolated, rejections dead-lettered and counted; moves the worker's position.
 */
async function applyOnce(
  w: ProjectorWorker,
  batch: readonly LogEntry[],
  span: Span,
): Promise<void> {
  const stopAt = w.opts.stopAt ?? Number.POSITIVE_INFINITY;
  const fresh = batch.filter((e) => e.raw.seq > w.position && e.raw.seq <= stopAt);
  const last = fresh[fresh.length - 1];
  if (!last) return;
  const started = performance.now();
  const events: RecordedEvent[] = [];
  const rejected: RejectedMessage[] = [];
  const raws = new Map<number, RawStoredMessage>();
  for (const { raw, decoded } of fresh) {
    raws.set(raw.seq, raw);
    if (decoded.ok) events.push(decoded.value);
    else rejected.push({ ...raw, rejection: decoded.rejection });
  }
  const to = last.raw.seq;
  if (span.isRecording()) {
    const { links, dropped } = batchLinks(events, MAX_BATCH_LINKS);
    span.addLinks(links);
    span.setAttributes({
      "uaip.batch.from_seq": fresh[0]!.raw.seq,
      "uaip.batch.to_seq": to,
      "uaip.batch.events": events.length,
      "uaip.batch.rejected": rejected.length,
      "uaip.batch.links_dropped": dropped,
    });
  }
  const unfoldable = await isolatePoison({
    events,
    rejected,
    from: w.position,
    to,
    raws,
    commit: (b) => w.opts.target.commit({ ...b, ...streamIdField(w) }),
    isRetryable: (err) => isTransient(err) || isCheckpointConflict(err),
  });
  w.position = to;
  const allRejected = [...rejected, ...unfoldable];
  if (allRejected.length > 0) {
    if (w.live && w.opts.deadLetters !== false) {
      await publishDeadLetters(w.opts.js, w.subjects, w.name, allRejected);
    }
    for (const r of allRejected) {
      rejectedEvents.inc({ projection: w.name, reason: r.rejection.reason });
      if (w.live)
        w.log.warn(
          { seq: r.seq, subject: r.subject, reason: r.rejection.message },
          "event rejected",
        );
    }
  }
  messagesProcessed.inc({ projection: w.name }, fresh.length);
  projectionLag.set(
    { projection: w.name },
    Math.max(0, Date.now() - last.raw.storedAt.getTime()) / 1000,
  );
  batchDuration.observe({ projection: w.name }, (performance.now() - started) / 1000);
  w.opts.onBatch?.(to, fresh.length);
}
