import {
  type CommandHandler,
  connectDevice,
  type DeviceClient,
  type DeviceCredentialsOption,
} from "@uaip/device-sdk";
import { createEvent, type DeviceEvent, DeviceStatuses, subjects } from "@uaip/events";
import type { Rng } from "../rng.ts";
import type { AckedEvent } from "./acked-event.ts";
import { dueEvents } from "./rate-schedule.ts";

export interface FleetOptions {
  readonly servers: string;
  readonly namespace: string;
  /** Device ids are `<prefix>-<n>`, for n from 0 to `devices - 1`; or exactly `ids`. */
  readonly prefix?: string;
  readonly devices?: number;
  readonly ids?: readonly string[];
  readonly rng: Rng;
  /** A device's NATS credentials, when the server wants them. */
  readonly credentials?: (deviceId: string) => DeviceCredentialsOption;
  /** Command handlers every device answers with (and declares as capabilities). */
  readonly handlers?: Readonly<Record<string, CommandHandler>>;
}

export interface LoadOptions {
  /** How many events to publish (beyond the registrations). */
  readonly events: number;
  /** Events per second, spread evenly. */
  readonly rate: number;
  /** Share of status changes; the rest is telemetry. Default 0.35. */
  readonly statusShare?: number;
}

/** How one load run went. */
export interface LoadSummary {
  readonly sent: number;
  readonly acked: number;
  /** Events JetStream refused, or the SDK gave up on (e.g. its buffer overflowed). */
  readonly failed: number;
  /** Events neither acked nor refused when the run stopped waiting. */
  readonly unsettled: number;
  readonly seconds: number;
  readonly firstError?: string;
}

/** A load run under way: how far it got, and its summary once every event settled. */
export interface LoadRun {
  sent(): number;
  acked(): number;
  readonly done: Promise<LoadSummary>;
}

/**
 * Simulated devices on the real device SDK, each with a NATS connection of its own, that
 * publish a bounded load and record every acknowledged event's stream, sequence and msg id:
 * what the scenario later looks for in the log.
 */
export interface DeviceFleet extends AsyncDisposable {
  readonly ids: readonly string[];
  /** Every event acknowledged so far, registrations included. */
  readonly acks: readonly AckedEvent[];
  /** Registers every device (`device.registered`) through the SDK. */
  register(): Promise<void>;
  /** Publishes `events` at `rate` ev/s, status changes and telemetry from random devices. */
  run(opts: LoadOptions): LoadRun;
  /** Closes every device (flushes what it holds). */
  close(): Promise<void>;
}

/** Longest a run waits, once everything is sent, for the last acks (outages included). */
const SETTLE_MS = 120_000;

/**
 * Connects `devices` SDK clients (no heartbeats, no presence announcements, so every event
 * in the log is one this fleet counted).
 *
 * @example
 * await using fleet = await openFleet({ servers, namespace, prefix: "pk", devices: 20, rng });
 * await fleet.register();
 * const summary = await fleet.run({ events: 5_000, rate: 500 }).done;
 */
export async function openFleet(opts: FleetOptions): Promise<DeviceFleet> {
  const ids =
    opts.ids ?? Array.from({ length: opts.devices ?? 0 }, (_, i) => `${opts.prefix ?? "d"}-${i}`);
  const s = subjects(opts.namespace);
  const clients: DeviceClient[] = [];
  const acks: AckedEvent[] = [];
  const close = async () => {
    await Promise.all(clients.splice(0).map((c) => c.close(5_000).catch(() => {})));
  };
  try {
    for (const id of ids) {
      const client = await connectDevice({
        servers: opts.servers,
        namespace: opts.namespace,
        deviceId: id,
        heartbeatMs: 0,
        announcePresence: false,
        // Outages are what this fleet lives through: hold everything, drop nothing.
        bufferLimit: 200_000,
        window: 256,
        ...(opts.credentials ? { credentials: opts.credentials(id) } : {}),
      });
      for (const [name, handler] of Object.entries(opts.handlers ?? {}))
        client.onCommand(name, handler);
      clients.push(client);
    }
  } catch (err) {
    await close();
    throw err;
  }

  const track = async (client: DeviceClient, event: DeviceEvent): Promise<void> => {
    const ack = await client.publish(event);
    acks.push({
      msgId: event.id,
      stream: ack.stream,
      seq: ack.seq,
      subject: s.forEvent(event),
      type: event.type,
      deviceId: event.deviceId,
      duplicate: ack.duplicate,
      ackedAt: Date.now(),
    });
  };

  const nextEvent = (statusShare: number): [DeviceClient, DeviceEvent] => {
    const client = opts.rng.pick(clients);
    const event =
      opts.rng.next() < statusShare
        ? createEvent("device.status_changed", client.deviceId, {
            status: opts.rng.pick(DeviceStatuses),
            reason: `chaos-${opts.rng.int(1, 9)}`,
          })
        : createEvent("telemetry.reported", client.deviceId, {
            metrics: {
              temperature: Math.round(opts.rng.next() * 400) / 10,
              humidity: opts.rng.int(20, 80),
            },
          });
    return [client, event];
  };

  return {
    ids,
    acks,
    async register() {
      await Promise.all(
        clients.map(async (client) => {
          const event = createEvent("device.registered", client.deviceId, {
            name: `Chaos ${client.deviceId}`,
            type: "chaos-sensor",
            capabilities: Object.keys(opts.handlers ?? {}),
          });
          // Through publish, not register(): the event's id is then the msg id recorded.
          await track(client, event);
        }),
      );
    },
    run(load) {
      const statusShare = load.statusShare ?? 0.35;
      const started = Date.now();
      let sent = 0;
      let acked = 0;
      let failed = 0;
      let firstError: string | undefined;
      const pending = new Set<Promise<void>>();
      const done = (async (): Promise<LoadSummary> => {
        while (sent < load.events) {
          const due = dueEvents(Date.now() - started, load.rate, load.events);
          for (; sent < due; sent++) {
            const [client, event] = nextEvent(statusShare);
            const p = track(client, event).then(
              () => {
                acked++;
              },
              (err: Error) => {
                failed++;
                firstError ??= `${err.name}: ${err.message}`;
              },
            );
            pending.add(p);
            void p.finally(() => pending.delete(p));
          }
          await new Promise((r) => setTimeout(r, 10));
        }
        const deadline = Date.now() + SETTLE_MS;
        while (pending.size > 0 && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 50));
        return {
          sent,
          acked,
          failed,
          unsettled: pending.size,
          seconds: (Date.now() - started) / 1000,
          ...(firstError ? { firstError } : {}),
        };
      })();
      return { sent: () => sent, acked: () => acked, done };
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
