import type { ConnectionOptions } from "@nats-io/transport-node";
import { DeviceIdSchema, fieldIssues, NamespaceSchema } from "@uaip/events";
import * as v from "valibot";

/** How a device proves who it is: the nkey seed from `uaip devices credentials`, or a user and password. */
export type DeviceCredentialsOption =
  | { readonly nkeySeed: string }
  | { readonly user: string; readonly pass: string };

/** Everything `connectDevice` takes; only `servers` and `deviceId` are required. */
export interface DeviceOptions {
  /** NATS server(s), e.g. `nats://hub.example:4222`. */
  readonly servers: string | readonly string[];
  readonly deviceId: string;
  /** The hub's namespace (`UAIP_NAMESPACE`); default `uaip`. */
  readonly namespace?: string;
  readonly credentials?: DeviceCredentialsOption;
  /** Heartbeat period; 0 sends none. Default 10 000 (the hub's default silence timeout is 30 s). */
  readonly heartbeatMs?: number;
  /** Most events held while NATS is unreachable; past it the oldest is dropped. Default 10 000. */
  readonly bufferLimit?: number;
  /** Most events in flight to JetStream at once. Default 1 024. */
  readonly window?: number;
  /** An ack missing this long makes unacknowledged events go again (same id). Default 5 000. */
  readonly ackTimeoutMs?: number;
  /** How long a command reply waits for the handler's outcome. Default 200. */
  readonly inlineResultMs?: number;
  /**
   * After answering a command with its outcome, the device publishes the outcome itself this
   * much later (the same event id, so dropped as a duplicate if the hub stored it). Must stay
   * under the streams' duplicate window (2 min). Default 3 000.
   */
  readonly outcomeSafetyMs?: number;
  /** Command ids remembered to drop redeliveries. Default 10 000. */
  readonly seenCommands?: number;
  /** Report `online` on (re)connect and `offline` on close. Default true. */
  readonly announcePresence?: boolean;
  /** More nats.js connection options (TLS, timeouts…); the SDK's own win where they overlap. */
  readonly connection?: Partial<ConnectionOptions>;
}

export type ResolvedDeviceOptions = Required<Omit<DeviceOptions, "credentials" | "connection">> &
  Pick<DeviceOptions, "credentials" | "connection">;

/** Bad options: `message` names the field and the rule. */
export class InvalidDeviceOptionsError extends Error {
  override readonly name = "InvalidDeviceOptionsError";
  constructor(
    readonly field: string,
    rule: string,
  ) {
    super(`${field}: ${rule}`);
  }
}

const int = (min: number) => v.pipe(v.number(), v.integer(), v.minValue(min));

const Schema = v.object({
  deviceId: DeviceIdSchema,
  namespace: NamespaceSchema,
  heartbeatMs: int(0),
  bufferLimit: int(1),
  window: int(1),
  ackTimeoutMs: int(100),
  inlineResultMs: int(0),
  seenCommands: int(1),
  outcomeSafetyMs: v.pipe(
    int(0),
    v.maxValue(60_000, "must be at most 60 000 (under the duplicate window)"),
  ),
});

/** The options with their defaults, checked; throws InvalidDeviceOptionsError. */
export function resolveDeviceOptions(o: DeviceOptions): ResolvedDeviceOptions {
  const resolved = {
    servers: o.servers,
    deviceId: o.deviceId,
    namespace: o.namespace ?? "uaip",
    heartbeatMs: o.heartbeatMs ?? 10_000,
    bufferLimit: o.bufferLimit ?? 10_000,
    window: o.window ?? 1_024,
    ackTimeoutMs: o.ackTimeoutMs ?? 5_000,
    inlineResultMs: o.inlineResultMs ?? 200,
    outcomeSafetyMs: o.outcomeSafetyMs ?? 3_000,
    seenCommands: o.seenCommands ?? 10_000,
    announcePresence: o.announcePresence ?? true,
    credentials: o.credentials,
    connection: o.connection,
  };
  const parsed = v.safeParse(Schema, resolved);
  if (!parsed.success) {
    const issue = fieldIssues(parsed.issues)[0]!;
    throw new InvalidDeviceOptionsError(issue.field, issue.message);
  }
  if (resolved.bufferLimit < resolved.window) {
    throw new InvalidDeviceOptionsError(
      "bufferLimit",
      `must be at least window (${resolved.window})`,
    );
  }
  return resolved;
}
