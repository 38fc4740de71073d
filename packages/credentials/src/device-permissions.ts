import { deviceSubjects } from "@uaip/device-protocol";

/** A nats-server permission block (the `permissions` of one user). */
export interface NatsPermissions {
  readonly publish: { readonly allow: readonly string[] };
  readonly subscribe: { readonly allow: readonly string[] };
  /** Lets the device answer a request it received (the command reply), once, and nothing else. */
  readonly allow_responses: { readonly max: number; readonly expires: string };
}

/**
 * What one device may do on NATS: publish only its own events, telemetry, heartbeats and
 * command outcomes; subscribe only to its command inbox and to its own reply subjects
 * (where its JetStream acks arrive); answer the requests it receives. Anything else the
 * server refuses with a permissions violation — the hub's subjects (one origin token
 * longer: `….operator`, `….hub`), the JetStream API (`$JS.API.>`) and KV (`$KV.>`) among
 * them, so a device can neither append as the hub nor read the hub's msg-id secret.
 *
 * @example
 * devicePermissions("uaip", "lamp-1").publish.allow; // ["uaip.device.lamp-1.*", "uaip.heartbeat.lamp-1", …]
 */
export function devicePermissions(namespace: string, deviceId: string): NatsPermissions {
  const s = deviceSubjects(namespace, deviceId);
  const ns = namespace;
  return {
    publish: {
      allow: [
        // registered, updated, status (and decommissioned): exactly four tokens, never the
        // hub's five
        `${ns}.device.${deviceId}.*`,
        s.heartbeat,
        `${ns}.telemetry.${deviceId}`,
        // a device reports how its commands went; it cannot issue or cancel them
        `${ns}.command.${deviceId}.*.acknowledged`,
        `${ns}.command.${deviceId}.*.completed`,
        `${ns}.command.${deviceId}.*.failed`,
      ],
    },
    subscribe: { allow: [s.inbox, `${s.replyPrefix}.>`] },
    allow_responses: { max: 1, expires: "1m" },
  };
}
