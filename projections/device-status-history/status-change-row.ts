import type { DeviceStatus } from "@uaip/events";

/** One status change as `device_status_history` keeps it; keyed by stream sequence. */
export interface StatusChangeRow {
  /** Stream sequence of the `device.status_changed` event. */
  readonly seq: number;
  readonly deviceId: string;
  readonly status: DeviceStatus;
  readonly reason: string | null;
  /** When the device says it changed (ISO, UTC). */
  readonly occurredAt: string;
  /** When JetStream stored the event (ISO, UTC). */
  readonly storedAt: string;
}
