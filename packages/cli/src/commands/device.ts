import {
  catalog,
  createEvent,
  type DeviceEvent,
  DeviceIdSchema,
  DeviceStatuses,
  type EventType,
  EventTypes,
  InvalidEventError,
  streamName,
  subjects,
} from "@uaip/events";
import type { HubConfig } from "@uaip/platform";
import { Command } from "commander";
import * as v from "valibot";
import { cliContext, run, UsageError } from "../context.ts";
import { stored, withDevice } from "../device-session.ts";

/** The events a device itself sends (what its NATS permissions allow; see @uaip/credentials). */
const deviceEventTypes: readonly EventType[] = [
  "device.registered",
  "device.updated",
  "device.decommissioned",
  "device.status_changed",
  "telemetry.reported",
  "command.acknowledged",
  "command.completed",
  "command.failed",
];

interface OutputFlags {
  json?: boolean;
  timeout: string;
}

/** Where one published event was stored, as printed. */
interface StoredEvent {
  readonly deviceId: string;
  readonly type: EventType;
  readonly id?: string;
  readonly subject: string;
  readonly stream: string;
  readonly seq: number;
  readonly duplicate: boolean;
}

function deviceId(raw: string): string {
  const r = v.safeParse(DeviceIdSchema, raw);
  if (!r.success) throw new UsageError(`<id>: ${r.issues[0].message} (got "${raw}")`);
  return raw;
}

function timeoutOf(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < 100 || n > 600_000)
    throw new UsageError(`--timeout: must be a whole number from 100 to 600000 ms (got "${raw}")`);
  return n;
}

/** createEvent, with a catalog rejection turned into a usage error naming the field. */
function event<T extends EventType>(type: T, id: string, data: unknown): DeviceEvent {
  try {
    return createEvent(type, id, data as Parameters<typeof createEvent<T>>[2]);
  } catch (err) {
    if (err instanceof InvalidEventError) throw new UsageError(err.message);
    throw err;
  }
}

function list(raw: string | undefined): string[] | undefined {
  return raw
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

function print(flags: OutputFlags, out: StoredEvent & { created?: boolean }): void {
  if (flags.json) return void console.log(JSON.stringify(out, null, 2));
  const again = out.duplicate ? " (a duplicate of an earlier send: stored once)" : "";
  console.log(
    `${out.deviceId}: ${out.type} stored in ${out.stream} at sequence ${out.seq}${again} (subject ${out.subject})`,
  );
}

/** Publishes one event as its device and prints where it was stored. */
async function publishAs(config: HubConfig, flags: OutputFlags, e: DeviceEvent): Promise<void> {
  const timeoutMs = timeoutOf(flags.timeout);
  const subject = subjects(config.namespace).forEvent(e);
  const ack = await withDevice(config, e.deviceId, (d) =>
    stored(d.publish(e), subject, timeoutMs, config.namespace),
  );
  print(flags, { deviceId: e.deviceId, type: e.type, id: e.id, subject, ...ack });
}

function withOutputFlags(c: Command): Command {
  return c
    .option("--json", "print where it was stored as JSON")
    .option("--timeout <ms>", "how long to wait for JetStream to store it", "10000");
}

/**
 * `uaip device …`: be a device. Publishes its events through the device SDK, on the
 * subjects of the configured namespace (UAIP_NAMESPACE, NATS_URL), and prints the stream
 * sequence each was stored at.
 *
 * @example
 * uaip device register lamp-1 --name "Desk lamp" --type smart-bulb
 * uaip device telemetry lamp-1 temperature=21.5 power=7
 */
export function deviceCommand(): Command {
  const cmd = new Command("device")
    .description(
      "Be a device: publish its registration, status, telemetry or any event it may send, as the device itself would (NATS_URL, UAIP_NAMESPACE)",
    )
    .addHelpText(
      "after",
      `
Each command connects to NATS as the device (through the device SDK), publishes one event
on the device's own subject of this namespace, waits for JetStream to store it and prints
the stream and sequence. Credentials: UAIP_DEVICE_SEED (the seed \`uaip devices credentials\`
prints), else NATS_USER / NATS_PASSWORD, else none. Operator tasks for a device (its
credentials) are under \`uaip devices\`; registering over HTTP is POST /api/v1/devices.

Examples:
  uaip device register lamp-1 --name "Desk lamp" --type smart-bulb
  uaip device status lamp-1 online
  uaip device telemetry lamp-1 temperature=21.5 power=7
  uaip device publish lamp-1 updated '{"location":"hall"}'
  UAIP_NAMESPACE=plant2 uaip device status press-07 maintenance --reason "die change"`,
    );

  withOutputFlags(
    cmd
      .command("register")
      .argument("<id>", "the device id (1-64 letters, digits, '_' or '-')")
      .summary("Declare the device (device.registered, then device.updated)")
      .description(
        "Declare the device: device.registered the first time, device.updated with the given fields after that (the type cannot change)",
      )
      .requiredOption("--name <name>", 'what people call it, e.g. "Desk lamp"')
      .requiredOption("--type <type>", "its type, e.g. smart-bulb, thermostat, sensor")
      .option("--location <text>", "where it is")
      .option("--firmware <version>", "its firmware version")
      .option("--tags <list>", "comma-separated tags")
      .option("--capabilities <list>", "comma-separated commands it answers, e.g. set_power"),
  ).action(
    (
      rawId: string,
      o: OutputFlags & {
        name: string;
        type: string;
        location?: string;
        firmware?: string;
        tags?: string;
        capabilities?: string;
      },
    ) =>
      run(async () => {
        const id = deviceId(rawId);
        const timeoutMs = timeoutOf(o.timeout);
        const data = {
          name: o.name,
          type: o.type,
          ...(o.location !== undefined ? { location: o.location } : {}),
          ...(o.firmware !== undefined ? { firmware: o.firmware } : {}),
          ...(o.tags !== undefined ? { tags: list(o.tags) } : {}),
          ...(o.capabilities !== undefined ? { capabilities: list(o.capabilities) } : {}),
        };
        // Validated here, so a bad flag is a usage error before anything connects.
        const registered = event("device.registered", id, data);
        const { config } = cliContext();
        const subject = subjects(config.namespace).forEvent(registered);
        const r = await withDevice(config, id, (d) =>
          stored(
            // The flags as given, not the parsed defaults: a re-registration becomes an update
            // of just these fields, and must not reset tags or location to empty.
            d.register(data as Parameters<typeof d.register>[0]),
            subject,
            timeoutMs,
            config.namespace,
          ),
        );
        const type: EventType = r.created ? "device.registered" : "device.updated";
        print(o, {
          deviceId: id,
          type,
          subject: subjects(config.namespace).device(id, catalog[type].subjectToken),
          stream: streamName(config.namespace, "devices"),
          seq: r.seq,
          duplicate: false,
          created: r.created,
        });
      }),
  );

  withOutputFlags(
    cmd
      .command("status")
      .argument("<id>", "the device id")
      .argument("<status>", DeviceStatuses.join(" | "))
      .summary("Report its status (device.status_changed)")
      .description("Report the device's status (device.status_changed)")
      .option("--reason <text>", 'why, e.g. "battery low"'),
  ).action((rawId: string, status: string, o: OutputFlags & { reason?: string }) =>
    run(async () => {
      const id = deviceId(rawId);
      if (!(DeviceStatuses as readonly string[]).includes(status))
        throw new UsageError(
          `<status>: must be one of ${DeviceStatuses.join(", ")} (got "${status}")`,
        );
      const e = event("device.status_changed", id, {
        status,
        ...(o.reason !== undefined ? { reason: o.reason } : {}),
      });
      await publishAs(cliContext().config, o, e);
    }),
  );

  withOutputFlags(
    cmd
      .command("telemetry")
      .argument("<id>", "the device id")
      .argument("<readings...>", "one or more metric=value, e.g. temperature=21.5")
      .summary("Report readings (telemetry.reported)")
      .description("Report named numeric readings in one event (telemetry.reported)"),
  ).action((rawId: string, readings: string[], o: OutputFlags) =>
    run(async () => {
      const id = deviceId(rawId);
      const metrics: Record<string, number> = {};
      for (const r of readings) {
        const m = /^([^=]+)=(.+)$/.exec(r);
        const value = m ? Number(m[2]) : Number.NaN;
        if (!m || m[2]!.trim() === "" || !Number.isFinite(value))
          throw new UsageError(`<readings>: "${r}" is not metric=number (e.g. temperature=21.5)`);
        metrics[m[1]!] = value;
      }
      await publishAs(cliContext().config, o, event("telemetry.reported", id, { metrics }));
    }),
  );

  const tokens = deviceEventTypes.map((t) => catalog[t].subjectToken);
  withOutputFlags(
    cmd
      .command("publish")
      .argument("<id>", "the device id")
      .argument(
        "<event>",
        `an event type or its subject token: ${deviceEventTypes.map((t) => `${t} (${catalog[t].subjectToken})`).join(", ")}`,
      )
      .argument("[data]", "the event's data as JSON (see docs/events.md)", "{}")
      .summary("Publish any event a device may send, data as JSON")
      .description(
        "Publish any event a device may send, with its data as JSON; validated against the event catalog first",
      )
      .addHelpText(
        "after",
        `
The envelope (id, type, version, device, time) is added; give only the data. It is checked
against the event catalog before anything is sent, and an error names the field and rule.

Examples:
  uaip device publish lamp-1 updated '{"location":"hall","tags":["desk"]}'
  uaip device publish lamp-1 device.decommissioned '{"reason":"replaced"}'
  uaip device publish lamp-1 completed '{"commandId":"c-1","result":{"on":true}}'`,
      ),
  ).action((rawId: string, name: string, rawData: string, o: OutputFlags) =>
    run(async () => {
      const id = deviceId(rawId);
      const type = deviceEventTypes.find((t) => t === name || catalog[t].subjectToken === name);
      if (!type) {
        const known = EventTypes.some((t) => t === name || catalog[t].subjectToken === name);
        throw new UsageError(
          known
            ? `<event>: ${name} is the hub's to append, not a device's; a device sends ${deviceEventTypes.join(", ")}`
            : `<event>: must be one of ${deviceEventTypes.join(", ")} or their tokens ${tokens.join(", ")} (got "${name}")`,
        );
      }
      let data: unknown;
      try {
        data = JSON.parse(rawData);
      } catch (err) {
        throw new UsageError(`[data]: not JSON: ${(err as Error).message}`);
      }
      await publishAs(cliContext().config, o, event(type, id, data));
    }),
  );
  return cmd;
}
