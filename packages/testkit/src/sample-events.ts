import { createEvent, type DeviceEvent } from "@uaip/events";

/**
 * A deterministic mix over `devices` devices (`<prefix>-<n>`) and the three event streams:
 * registrations, updates, status changes, decommissions, telemetry and command lifecycles.
 */
export function sampleEvents(prefix: string, devices: number, total: number): DeviceEvent[] {
  const statuses = ["online", "offline", "error", "maintenance"] as const;
  const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
  const out: DeviceEvent[] = [];
  for (let d = 0; d < devices && out.length < total; d++) {
    out.push(
      createEvent("device.registered", `${prefix}-${d}`, {
        name: `D${d}`,
        type: ["smart-bulb", "thermostat", "camera"][d % 3]!,
        tags: [`t${d % 7}`],
      }),
    );
  }
  for (let i = out.length; out.length < total; i++) {
    const id = `${prefix}-${(i * 7919) % devices}`;
    if (i % 97 === 0) out.push(createEvent("device.updated", id, { location: `room-${i % 13}` }));
    else if (i % 499 === 0) out.push(createEvent("device.decommissioned", id, { reason: "test" }));
    else if (i % 3 === 0)
      out.push(
        createEvent("telemetry.reported", id, {
          metrics: { temperature: (i % 400) / 10, power: i % 2 },
        }),
      );
    else if (i % 10 === 1) {
      const commandId = `${prefix}-c${i}`;
      out.push(
        createEvent("command.issued", id, {
          commandId,
          name: "set_power",
          params: { on: true },
          expiresAt,
        }),
      );
      out.push(createEvent("command.delivered", id, { commandId, attempt: 1 }));
      out.push(createEvent("command.completed", id, { commandId, result: { ok: i } }));
    } else
      out.push(
        createEvent("device.status_changed", id, {
          status: statuses[i % 4]!,
          reason: `r${i % 5}, "quoted"\nline`,
        }),
      );
  }
  return out.slice(0, total);
}

/** Publishes through `publish` a thousand at a time, each acknowledged by JetStream. */
export async function publishAll(
  events: readonly DeviceEvent[],
  publish: (e: DeviceEvent) => Promise<unknown>,
): Promise<void> {
  for (let i = 0; i < events.length; i += 1_000)
    await Promise.all(events.slice(i, i + 1_000).map(publish));
}
