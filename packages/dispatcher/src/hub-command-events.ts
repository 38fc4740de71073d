import { commandEventId } from "@uaip/device-protocol";
import { createEvent, type DeviceEvent } from "@uaip/events";

/**
 * The final events the dispatcher appends of its own accord, as the hub and with fixed ids
 * (so two dispatchers, or a retry, store each once).
 */
export const hubCommandEvents = {
  /** The command's time to live passed before it was handed over (or completed). */
  expired(deviceId: string, commandId: string, at: Date): DeviceEvent {
    return createEvent(
      "command.expired",
      deviceId,
      { commandId },
      { source: "hub", id: commandEventId.expired(commandId), occurredAt: at },
    );
  },

  /** The device was decommissioned while the command waited. */
  cancelled(deviceId: string, commandId: string, reason: string, at: Date): DeviceEvent {
    return createEvent(
      "command.cancelled",
      deviceId,
      { commandId, reason },
      { source: "hub", id: commandEventId.cancelled(commandId), occurredAt: at },
    );
  },

  /** The stream refused the device's outcome (e.g. a result past the message size limit). */
  outcomeRefused(deviceId: string, commandId: string, why: string, at: Date): DeviceEvent {
    return createEvent(
      "command.failed",
      deviceId,
      {
        commandId,
        error: { message: `the outcome could not be stored: ${why}`, code: "OUTCOME_REFUSED" },
      },
      { source: "hub", id: `${commandEventId.outcome(commandId)}.refused`, occurredAt: at },
    );
  },
};
