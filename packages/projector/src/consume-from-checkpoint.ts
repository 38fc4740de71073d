import { applyBatch } from "./apply-batch.ts";
import { batches } from "./batches.ts";
import { checkDeliveredInOrder, openConsumer } from "./open-consumer.ts";
import { type ProjectorWorker, reachedStop, streamIdField } from "./projector-worker.ts";
import { startingPoint } from "./starting-point.ts";
import { watchCheckpoint } from "./watch-checkpoint.ts";

/**
 * One stretch of consuming, from the committed checkpoint until stopped, taken over
 * (`held` aborts: the lease was lost) or done: each batch is applied, then its last
 * message acked (AckAll: one ack per batch). False when the checkpoint cannot be used on
 * this stream (the worker is halted).
 */
export async function consumeFromCheckpoint(
  w: ProjectorWorker,
  held: AbortSignal,
): Promise<boolean> {
  const { opts } = w;
  const start = await startingPoint({
    target: opts.target,
    jsm: opts.jsm,
    stream: w.stream,
    logger: w.log,
    live: w.live,
    ...(opts.lease ? { db: opts.lease.db } : {}),
  });
  if (!start.ok) {
    if (w.fault?.message !== start.fault.message)
      w.log.error({ reason: start.fault.reason }, start.fault.message);
    w.fault = start.fault;
    w.state = "halted";
    return false;
  }
  w.fault = undefined;
  w.streamId = start.streamId;
  w.position = start.position;
  if (start.expired) await skipExpired(w, start.expired);
  if (reachedStop(w)) return true;
  const read = await openConsumer({
    js: opts.js,
    jsm: opts.jsm,
    namespace: opts.namespace,
    stream: w.streamKind,
    projection: w.name,
    position: w.position,
    batchSize: opts.batchSize,
    live: w.live,
  });
  w.read = read;
  w.state = "running";
  w.log.info({ position: w.position, stream: w.stream }, "projector consuming");
  // Lease lost (or stopping): end the read; what is buffered is applied, the rest redelivered.
  const close = () => void read.close();
  if (held.aborted) close();
  held.addEventListener("abort", close, { once: true });
  const watch = w.live ? watchCheckpoint(w, read) : undefined;
  let delivered = 0;
  try {
    for await (const batch of batches(read, opts.batchSize, opts.batchWaitMs, w.stopping)) {
      delivered = checkDeliveredInOrder(batch, delivered);
      await applyBatch(w, batch);
      // Live entries come from the durable consumer; a shadow read has nothing to ack.
      const last = batch[batch.length - 1];
      if (last && "ack" in last) last.ack();
      if (w.stopping.aborted || reachedStop(w)) break;
    }
  } finally {
    held.removeEventListener("abort", close);
    clearInterval(watch);
    w.read = undefined;
    await read.close();
  }
  return true;
}

/**
 * Moves the checkpoint over sequences the stream no longer holds: its retention removed
 * them before this projection applied them. Nothing can bring them back; say how many.
 */
async function skipExpired(w: ProjectorWorker, gap: { from: number; to: number }): Promise<void> {
  if (w.live)
    w.log.warn(
      { from: gap.from + 1, to: gap.to, events: gap.to - gap.from },
      "the stream's retention removed events before this projection applied them; skipping them",
    );
  await w.opts.target.commit({
    events: [],
    rejected: [],
    from: gap.from,
    to: gap.to,
    ...streamIdField(w),
  });
  w.position = gap.to;
}
