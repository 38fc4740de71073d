/** Where a command is in its lifecycle; the last four are final. */
export type CommandState =
  | "issued"
  | "delivered"
  | "acknowledged"
  | "completed"
  | "failed"
  | "expired"
  | "cancelled";

/** One command as the `commands` projection keeps it; times are ISO strings (UTC). */
export interface CommandRow {
  readonly commandId: string;
  readonly deviceId: string;
  readonly name: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly state: CommandState;
  /** Highest delivery attempt seen. */
  readonly attempts: number;
  readonly issuedAt: string;
  readonly expiresAt: string;
  readonly deliveredAt: string | null;
  readonly acknowledgedAt: string | null;
  readonly completedAt: string | null;
  readonly failedAt: string | null;
  readonly expiredAt: string | null;
  readonly cancelledAt: string | null;
  /** What the device's handler returned, when completed (null if it returned nothing). */
  readonly result: unknown;
  readonly error: { readonly message: string; readonly code?: string } | null;
  readonly idempotencyKey: string | null;
  /** Stream sequence of the last event applied to this row. */
  readonly version: number;
}
