import type { RecordedEvent } from "@uaip/events";
import type { Logger } from "@uaip/platform";
import { sseConnections, sseDropped } from "../metrics/api-metrics.ts";
import type { DeviceFeed } from "./device-feed.ts";

export interface SseBodyOptions {
  readonly heartbeatMs: number;
  /** Most bytes waiting for a slow client before it is dropped. */
  readonly maxBufferBytes: number;
  readonly logger: Logger;
}

/** Errors the body, which makes the server cut the connection (a no-op once cancelled). */
function fail(controller: ReadableStreamDefaultController<Uint8Array>, why: string): void {
  try {
    controller.error(new Error(why));
  } catch {
    // already closed by the client
  }
}

/** One event as an SSE frame; `id` is the stream sequence, so `Last-Event-ID` resumes after it. */
export function sseFrame(e: RecordedEvent): string {
  const data = JSON.stringify({
    seq: e.seq,
    subject: e.subject,
    storedAt: e.storedAt.toISOString(),
    event: e.event,
  });
  return `id: ${e.seq}\nevent: ${e.event.type}\ndata: ${data}\n\n`;
}

/**
 * The response body of an event stream. The feed is read as fast as it comes and queued;
 * the socket takes from the queue only as fast as the client reads (the server pulls the
 * body on drain). A client that lets more than `maxBufferBytes` pile up is dropped: its
 * connection is cut, and it may reconnect with `Last-Event-ID` to resume where it was,
 * so memory per client stays bounded and nothing is lost to it.
 *
 * @example
 * return c.body(sseBody(feed, { heartbeatMs: 15_000, maxBufferBytes: 1 << 20, logger }), 200, headers);
 */
export function sseBody(feed: DeviceFeed, opts: SseBodyOptions): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let queue: string[] = ["retry: 2000\n: connected\n\n"];
  let queued = 0;
  let wake: (() => void) | undefined;
  let finished = false;
  let heartbeat: NodeJS.Timeout | undefined;

  const finish = () => {
    if (finished) return;
    finished = true;
    clearInterval(heartbeat);
    sseConnections.dec();
    void feed.close();
    wake?.();
  };
  const push = (text: string) => {
    queue.push(text);
    queued += text.length;
    wake?.();
  };

  sseConnections.inc();
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        heartbeat = setInterval(() => {
          if (queue.length === 0) push(`: heartbeat ${new Date().toISOString()}\n\n`);
        }, opts.heartbeatMs);
        void (async () => {
          try {
            for await (const e of feed.events) {
              if (finished) break;
              push(sseFrame(e));
              if (queued > opts.maxBufferBytes) {
                sseDropped.inc();
                opts.logger.info({ queued }, "SSE client too slow; dropped");
                finish();
                fail(controller, "client too slow: dropped");
                return;
              }
            }
          } catch (err) {
            if (!finished) opts.logger.warn({ err: (err as Error).message }, "SSE feed failed");
          }
          if (!finished) {
            finish();
            fail(controller, "event feed ended");
          }
        })();
      },
      async pull(controller) {
        while (queue.length === 0 && !finished) {
          await new Promise<void>((r) => {
            wake = r;
          });
          wake = undefined;
        }
        if (finished) return;
        const text = queue.join("");
        queue = [];
        queued = 0;
        controller.enqueue(encoder.encode(text));
      },
      cancel() {
        finish(); // the client went away
      },
    },
    { highWaterMark: 0 },
  );
}
