import type { DeviceCredentials } from "./device-credentials.ts";

/**
 * One entry of `authorization { users = [ … ] }` for a device, in nats-server config syntax
 * (JSON is valid there), with a comment naming the device.
 *
 * @example
 * renderUserEntry(createDeviceCredentials("uaip", "lamp-1"));
 * // # device lamp-1 (namespace uaip)
 * // { "nkey": "UA…", "permissions": { "publish": { "allow": [ … ] }, … } }
 */
export function renderUserEntry(
  c: Pick<DeviceCredentials, "namespace" | "deviceId" | "publicKey" | "permissions">,
): string {
  const entry = { nkey: c.publicKey, permissions: c.permissions };
  return `# device ${c.deviceId} (namespace ${c.namespace})\n${JSON.stringify(entry, null, 2)}`;
}

export interface ServerConfigOptions {
  readonly port: number;
  readonly host?: string;
  /** JetStream store directory. */
  readonly storeDir: string;
  /** The hub's own user: full access (it appends for operators, runs projectors and the dispatcher). */
  readonly hub: { readonly user: string; readonly password: string };
  readonly devices: readonly Pick<
    DeviceCredentials,
    "namespace" | "deviceId" | "publicKey" | "permissions"
  >[];
}

/**
 * A complete nats-server config: JetStream, the hub's user/password with full access, and
 * one nkey user per device. Users without an `account` share the global account, which is
 * where the hub's streams live, so devices publish into them directly.
 */
export function renderServerConfig(o: ServerConfigOptions): string {
  const users = [
    JSON.stringify({ user: o.hub.user, password: o.hub.password }),
    ...o.devices.map(renderUserEntry),
  ];
  return [
    `host: ${JSON.stringify(o.host ?? "127.0.0.1")}`,
    `port: ${o.port}`,
    `jetstream { store_dir: ${JSON.stringify(o.storeDir)} }`,
    "authorization {",
    "  users = [",
    users.map((u) => u.replace(/^/gm, "    ")).join("\n"),
    "  ]",
    "}",
    "",
  ].join("\n");
}
