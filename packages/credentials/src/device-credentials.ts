import { createUser } from "@nats-io/nkeys";
import { DeviceIdSchema, NamespaceSchema } from "@uaip/events";
import * as v from "valibot";
import { devicePermissions, type NatsPermissions } from "./device-permissions.ts";

/** What a device needs to connect, and what the server needs to let it in. */
export interface DeviceCredentials {
  readonly namespace: string;
  readonly deviceId: string;
  /** The device's secret (`SU…`): give it to the device only; the server never sees it. */
  readonly seed: string;
  /** The public key (`U…`) the server config names the device by. */
  readonly publicKey: string;
  readonly permissions: NatsPermissions;
}

/** A device id or namespace that cannot be a NATS subject token. */
export class InvalidDeviceIdError extends Error {
  override readonly name = "InvalidDeviceIdError";
  constructor(
    readonly field: "deviceId" | "namespace",
    readonly rule: string,
  ) {
    super(`${field}: ${rule}`);
  }
}

/**
 * Creates a fresh NATS nkey for a device (NATS 2.9 supports nkey users in its plain config,
 * no operator or resolver needed) with the permissions that confine it to its own subjects.
 * Each call makes a new key: to rotate, replace the entry in the server config.
 *
 * @example
 * const c = createDeviceCredentials("uaip", "lamp-1");
 * // device: connectDevice({ deviceId: "lamp-1", credentials: { nkeySeed: c.seed }, … })
 * // server: renderUserEntry(c) inside authorization { users = [ … ] }
 */
export function createDeviceCredentials(namespace: string, deviceId: string): DeviceCredentials {
  const id = v.safeParse(DeviceIdSchema, deviceId);
  if (!id.success) throw new InvalidDeviceIdError("deviceId", id.issues[0].message);
  const ns = v.safeParse(NamespaceSchema, namespace);
  if (!ns.success) throw new InvalidDeviceIdError("namespace", ns.issues[0].message);
  const kp = createUser();
  const seed = new TextDecoder().decode(kp.getSeed());
  return {
    namespace,
    deviceId,
    seed,
    publicKey: kp.getPublicKey(),
    permissions: devicePermissions(namespace, deviceId),
  };
}
