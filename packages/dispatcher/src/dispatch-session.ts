import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { context } from "@opentelemetry/api";
import { appendEvent, jetStreamErrorCode, traceContextOf } from "@uaip/device-protocol";
import { type DeviceEvent, streamName, subjects } from "@uaip/events";
import { readLog } from "@uaip/log-reader";
import { type Db, type Logger, retryWithBackoff } from "@uaip/platform";
import { systemClock } from "./clock.ts";
import { deliverCommand } from "./command-delivery.ts";
import type { DeliveryPolicy } from "./delivery-policy.ts";
import type { AppendResult, DispatchEffect } from "./dispatch-effects.ts";
import { DispatchScheduler } from "./dispatch-scheduler.ts";
import {
  commandsEnded,
  deliveryAttempts,
  inFlightGauge,
  openCommandsGauge,
} from "./dispatcher-metrics.ts";
import { loadOpenCommands } from "./open-commands-snapshot.ts";
import type { PresenceTracker } from "./presence-tracker.ts";

export interface SessionDeps {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly db: Db;
  readonly namespace: string;
  readonly presence: PresenceTracker;
  readonly logger: Logger;
}

/**
 * The dispatcher's work while it holds the lease: the I/O shell around a DispatchScheduler.
 * It starts from the commands read model (open commands at the projection's checkpoint) and
 * tails the commands stream from just after it, so it knows every open command without
 * replaying history; the scheduler goes live once the tail has caught up with the stream as
 * it was at the start. The shell carries out what the scheduler asks: the cancellation read,
 * the request to the device, the appends (retried while NATS is unreachable), presence.
 *
 * Runs until `signal` aborts (it then returns) or the tail fails (it throws, and the caller
 * starts a new session). Requests in flight finish on their own; their answers are dropped.
 */
export async function runDispatchSession(
  d: SessionDeps,
  policy: DeliveryPolicy,
  signal: AbortSignal,
  /** Told when the session has caught up and delivers. */
  onLive?: () => void,
): Promise<void> {
  const s = subjects(d.namespace);
  const stream = streamName(d.namespace, "commands");
  const watching = new Map<string, () => void>();
  const failure = (err: unknown) => (err instanceof Error ? err.message : String(err));

  const append = async (events: readonly DeviceEvent[]): Promise<AppendResult[]> => {
    // Started in order, synchronously, on one connection: stored in this order.
    const settled = await Promise.allSettled(
      events.map((event) =>
        retryWithBackoff(() => appendEvent({ nc: d.nc, js: d.js, subjects: s }, event), {
          retryable: (err) => jetStreamErrorCode(err) === undefined,
          signal,
          onRetry: (err) =>
            d.logger.warn({ err: failure(err), event: event.id }, "append failed; retrying"),
        }),
      ),
    );
    return settled.map((r) =>
      r.status === "fulfilled"
        ? { ok: true }
        : { ok: false, error: r.reason, refused: jetStreamErrorCode(r.reason) !== undefined },
    );
  };

  const perform = (e: DispatchEffect): void => {
    switch (e.kind) {
      case "check-cancelled":
        // Read from the stream's leader right before sending: a cancellation stored before
        // this read is never delivered. Only the hub cancels (`.operator`, `.hub`).
        d.jsm.streams
          .getMessage(stream, {
            last_by_subj: `${s.command(e.command.deviceId, e.command.commandId, "cancelled")}.*`,
          })
          .then(
            (m) => e.done({ ok: true, value: m !== null }),
            (error) => e.done({ ok: false, error }),
          );
        return;
      case "send":
        inFlightGauge.inc();
        // In the trace of the request that issued the command: the delivery's span and the
        // appends that follow from its answer (delivered, acknowledged, the outcome).
        context.with(traceContextOf(e.command.traceparent), () =>
          deliverCommand(d.nc, d.namespace, e.command, e.attempt, policy.requestTimeoutMs).then(
            (result) => {
              inFlightGauge.dec();
              const label = result.kind === "answered" ? result.reply.status : result.kind;
              deliveryAttempts.inc({ result: label });
              e.done({ ok: true, value: result });
            },
            (error) => {
              inFlightGauge.dec();
              e.done({ ok: false, error });
            },
          ),
        );
        return;
      case "append":
        void append(e.events).then(e.done);
        return;
      case "watch":
        watching.get(e.deviceId)?.();
        watching.set(
          e.deviceId,
          d.presence.watch(e.deviceId, () => scheduler.deviceSeen(e.deviceId)),
        );
        return;
      case "unwatch":
        watching.get(e.deviceId)?.();
        watching.delete(e.deviceId);
        return;
      case "seen":
        d.presence.markSeen(e.deviceId);
        return;
      case "closed":
        commandsEnded.inc({ command: e.name, outcome: e.state });
        if (e.state === "expired")
          d.logger.info({ commandId: e.commandId, command: e.name }, "command expired");
        openCommandsGauge.set(scheduler.openCount);
        return;
      case "failed":
        d.logger.warn({ deviceId: e.deviceId, err: failure(e.error) }, `${e.what} failed`);
        return;
      default: {
        const unknownEffect: never = e;
        throw new Error(`unknown effect ${(unknownEffect as { kind: string }).kind}`);
      }
    }
  };

  const scheduler = new DispatchScheduler({
    policy,
    clock: systemClock,
    isDecommissioned: (id) => d.presence.isDecommissioned(id),
    perform,
  });
  const goLive = () => {
    if (scheduler.live) return;
    d.logger.info({ open: scheduler.openCount }, "dispatcher caught up; delivering");
    scheduler.goLive();
    onLive?.();
  };

  try {
    const snapshot = await loadOpenCommands(d.db);
    scheduler.load(snapshot.rows);
    const last = (await d.jsm.streams.info(stream)).state.last_seq;
    if (signal.aborted) return;
    await using log = await readLog(d.js, d.jsm, {
      namespace: d.namespace,
      stream: "commands",
      ...(snapshot.position > 0 ? { from: { afterSeq: snapshot.position } } : {}),
      to: "follow",
      batch: 1_000,
      signal,
    });
    d.logger.info(
      { position: snapshot.position, open: scheduler.openCount, last },
      "dispatcher started from the commands read model",
    );
    if (snapshot.position >= last) goLive();
    for await (const { raw, decoded } of log) {
      if (signal.aborted) break;
      if (decoded.ok) scheduler.apply(decoded.value.event, decoded.value.traceparent);
      openCommandsGauge.set(scheduler.openCount);
      if (raw.seq >= last) goLive();
    }
  } finally {
    scheduler.end();
    for (const stop of watching.values()) stop();
    watching.clear();
  }
}
