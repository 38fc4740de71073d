import type { DeviceEvent, RecordedEvent } from "@uaip/events";
import { isoTime } from "../iso-time.ts";
import { UnfoldableEventError } from "../projection.ts";
import type { CommandRow, CommandState } from "./command-row.ts";

type CommandEvent = Extract<DeviceEvent, { type: `command.${string}` }>;

/** The command an event is about, or undefined for events of other streams. */
export function commandIdOf(event: DeviceEvent): string | undefined {
  return isCommandEvent(event) ? event.data.commandId : undefined;
}

function isCommandEvent(event: DeviceEvent): event is CommandEvent {
  return event.type.startsWith("command.");
}

/** Final states: once there, a command's state, result and error never change. */
export function isFinal(state: CommandState): boolean {
  return state !== "issued" && state !== "delivered" && state !== "acknowledged";
}

const progress: Record<CommandState, number> = {
  issued: 0,
  delivered: 1,
  acknowledged: 2,
  completed: 3,
  failed: 3,
  expired: 3,
  cancelled: 3,
};

/**
 * Folds one event into its command's row. Pure and idempotent: an event at or below the
 * row's version is ignored. The state only moves forward:
 * - a final state (completed, failed, expired, cancelled) is terminal: a later event never
 *   changes `state`, `result` or `error`, and a second outcome is ignored altogether;
 * - a progress event that comes late still records what is harmless and true: a delivery
 *   stored after `cancelled` (the dispatcher raced the operator) keeps state "cancelled" but
 *   stamps `deliveredAt` and raises `attempts`; a redelivery after `acknowledged` keeps
 *   "acknowledged";
 * - a second `command.issued` for the same id (a retried publish) changes nothing.
 * A phase's timestamp is that of its latest applied event (the latest delivery attempt).
 *
 * @throws UnfoldableEventError for a lifecycle event of a command that was never issued.
 *
 * @example
 * const row = evolveCommand(undefined, issued); // { commandId, state: "issued", attempts: 0, … }
 */
export function evolveCommand(
  row: CommandRow | undefined,
  recorded: RecordedEvent,
): CommandRow | undefined {
  const { event, seq } = recorded;
  if (row && seq <= row.version) return row;
  const at = isoTime(event.occurredAt);

  switch (event.type) {
    case "command.issued": {
      if (row) return row;
      const d = event.data;
      return {
        commandId: d.commandId,
        deviceId: event.deviceId,
        name: d.name,
        params: d.params,
        state: "issued",
        attempts: 0,
        issuedAt: at,
        expiresAt: isoTime(d.expiresAt),
        deliveredAt: null,
        acknowledgedAt: null,
        completedAt: null,
        failedAt: null,
        expiredAt: null,
        cancelledAt: null,
        result: null,
        error: null,
        idempotencyKey: d.idempotencyKey ?? null,
        version: seq,
      };
    }
    case "command.delivered": {
      const base = issued(row, event.data.commandId, seq);
      return {
        ...base,
        state: advance(base.state, "delivered"),
        deliveredAt: at,
        attempts: Math.max(base.attempts, event.data.attempt),
        version: seq,
      };
    }
    case "command.acknowledged": {
      const base = issued(row, event.data.commandId, seq);
      return {
        ...base,
        state: advance(base.state, "acknowledged"),
        acknowledgedAt: at,
        version: seq,
      };
    }
    case "command.completed": {
      const base = issued(row, event.data.commandId, seq);
      if (isFinal(base.state)) return base;
      return {
        ...base,
        state: "completed",
        completedAt: at,
        result: event.data.result ?? null,
        version: seq,
      };
    }
    case "command.failed": {
      const base = issued(row, event.data.commandId, seq);
      if (isFinal(base.state)) return base;
      return { ...base, state: "failed", failedAt: at, error: event.data.error, version: seq };
    }
    case "command.expired": {
      const base = issued(row, event.data.commandId, seq);
      if (isFinal(base.state)) return base;
      return { ...base, state: "expired", expiredAt: at, version: seq };
    }
    case "command.cancelled": {
      const base = issued(row, event.data.commandId, seq);
      if (isFinal(base.state)) return base;
      return { ...base, state: "cancelled", cancelledAt: at, version: seq };
    }
    case "device.registered":
    case "device.updated":
    case "device.decommissioned":
    case "device.status_changed":
    case "telemetry.reported":
      return row;
    default: {
      const unknownEvent: never = event;
      return unknownEvent;
    }
  }
}

function issued(row: CommandRow | undefined, commandId: string, seq: number): CommandRow {
  if (!row) throw new UnfoldableEventError(`command ${commandId} was never issued`, seq);
  return row;
}

function advance(from: CommandState, to: CommandState): CommandState {
  return progress[to] > progress[from] ? to : from;
}

/**
 * Folds a whole history; what `verify` and time travel compare with the table. An event
 * the fold cannot apply is skipped, as the runtime sends it to the dead letters instead
 * of applying it; pass `onUnfoldable` to hear about it.
 */
export function foldCommands(
  events: Iterable<RecordedEvent>,
  into = new Map<string, CommandRow>(),
  onUnfoldable: (err: UnfoldableEventError) => void = () => {},
): Map<string, CommandRow> {
  for (const e of events) {
    const id = commandIdOf(e.event);
    if (id === undefined) continue;
    try {
      const next = evolveCommand(into.get(id), e);
      if (next) into.set(id, next);
    } catch (err) {
      if (!(err instanceof UnfoldableEventError)) throw err;
      onUnfoldable(err);
    }
  }
  return into;
}
