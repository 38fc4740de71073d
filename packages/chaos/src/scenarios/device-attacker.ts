import { randomBytes } from "node:crypto";
import { type JetStreamClient, jetstream } from "@nats-io/jetstream";
import { connect, type NatsConnection, nkeyAuthenticator } from "@nats-io/transport-node";
import {
  createDeviceCredentials,
  type DeviceCredentials,
  renderServerConfig,
} from "@uaip/credentials";
import { deviceSubjects } from "@uaip/device-protocol";
import type { DeviceEvent } from "@uaip/events";
import type { AckedEvent } from "../load/acked-event.ts";
import type { ChaosEnv, NatsAuth } from "../scenario/chaos-env.ts";

/**
 * A private nats-server that confines each device to its own subjects (the permission block
 * `@uaip/credentials` generates), with the hub's own user beside them: attackers below are
 * really limited to what a device may do.
 */
export function confinedDevices(ids: readonly string[]): {
  auth: (namespace: string) => NatsAuth;
  credentials: (id: string) => DeviceCredentials;
} {
  const made = new Map<string, DeviceCredentials>();
  const hubUser = { user: "hub", password: randomBytes(12).toString("hex") };
  return {
    auth(namespace) {
      for (const id of ids) made.set(id, createDeviceCredentials(namespace, id));
      return {
        hubUser,
        config: (port, storeDir) =>
          renderServerConfig({ port, storeDir, hub: hubUser, devices: [...made.values()] }),
      };
    },
    credentials(id) {
      const c = made.get(id);
      if (!c) throw new Error(`no credentials for ${id}`);
      return c;
    },
  };
}

/** A raw NATS client logged in with a device's credentials, as a misbehaving device would be. */
export interface DeviceAttacker extends AsyncDisposable {
  readonly js: JetStreamClient;
  /** What the server acknowledged (or the error it gave), publish by publish. */
  readonly acks: AckedEvent[];
  readonly refused: string[];
  /** Publishes `event` on `subject` through JetStream with `msgId`; never throws. */
  publish(subject: string, event: DeviceEvent, msgId: string): Promise<void>;
  close(): Promise<void>;
}

export async function connectAttacker(
  env: ChaosEnv,
  c: DeviceCredentials,
): Promise<DeviceAttacker> {
  const nc: NatsConnection = await connect({
    servers: env.services.nats.url,
    authenticator: nkeyAuthenticator(new TextEncoder().encode(c.seed)),
    inboxPrefix: deviceSubjects(env.namespace, c.deviceId).replyPrefix,
  });
  const js = jetstream(nc, { timeout: 5_000 });
  const acks: AckedEvent[] = [];
  const refused: string[] = [];
  const close = async () => {
    await nc.close().catch(() => {});
  };
  return {
    js,
    acks,
    refused,
    async publish(subject, event, msgId) {
      try {
        const ack = await js.publish(subject, JSON.stringify(event), { msgID: msgId });
        acks.push({
          msgId,
          stream: ack.stream,
          seq: ack.seq,
          subject,
          type: event.type,
          deviceId: event.deviceId,
          duplicate: ack.duplicate,
          ackedAt: Date.now(),
        });
      } catch (err) {
        refused.push(`${subject} (${msgId}): ${(err as Error).message}`);
      }
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
