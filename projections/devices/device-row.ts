import type { DeviceStatus } from "@uaip/events";

/** One device as the `devices` projection keeps it; times are ISO strings. */
export interface DeviceRow {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly capabilities: readonly string[];
  readonly tags: readonly string[];
  readonly location: string | null;
  readonly firmware: string | null;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly status: DeviceStatus | "unknown";
  readonly statusReason: string | null;
  readonly statusChangedAt: string | null;
  readonly registeredAt: string | null;
  readonly lastSeenAt: string;
  readonly decommissionedAt: string | null;
  /** Stream sequence of the last event folded into this row. */
  readonly version: number;
}
