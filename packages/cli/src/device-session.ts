import { fromSeed } from "@nats-io/nkeys";
import { connectDevice, type DeviceClient } from "@uaip/device-sdk";
import { ConfigError, type HubConfig } from "@uaip/platform";
import { ServiceUnreachableError } from "./service-error.ts";

/**
 * How the CLI proves it is the device: the nkey seed `uaip devices credentials` printed
 * (UAIP_DEVICE_SEED, from the environment so it stays out of shell history), else the
 * hub's NATS_USER / NATS_PASSWORD, else none (an open server, as with `uaip dev`).
 */
function credentials(config: HubConfig, env: NodeJS.ProcessEnv) {
  const seed = env.UAIP_DEVICE_SEED?.trim();
  if (seed) {
    // Checked here: a bad seed would otherwise surface as a NATS connection failure.
    try {
      fromSeed(new TextEncoder().encode(seed));
    } catch (err) {
      throw new ConfigError(
        "UAIP_DEVICE_SEED",
        `must be a device's nkey seed as \`uaip devices credentials\` prints it, "SU…" (${(err as Error).message})`,
      );
    }
    return { nkeySeed: seed };
  }
  const { user, pass } = config.nats;
  return user ? { user, pass: pass ?? "" } : undefined;
}

/**
 * Connects as device `deviceId` through the device SDK (its own inbox prefix, no heartbeats,
 * no online/offline announcements: only what the command publishes is sent), runs `fn`, then
 * disconnects. Every publish in `fn` should go through `stored`, which bounds its wait.
 */
export async function withDevice<T>(
  config: HubConfig,
  deviceId: string,
  fn: (device: DeviceClient) => Promise<T>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<T> {
  const creds = credentials(config, env);
  let device: DeviceClient;
  try {
    device = await connectDevice({
      servers: config.nats.servers,
      namespace: config.namespace,
      deviceId,
      ...(creds ? { credentials: creds } : {}),
      heartbeatMs: 0,
      announcePresence: false,
    });
  } catch (err) {
    throw new ServiceUnreachableError("NATS", config.nats.servers.join(","), err);
  }
  try {
    return await fn(device);
  } finally {
    // Everything awaited is acknowledged by now; whatever is not (a timeout) is dropped.
    await device.kill();
  }
}

/** The stream did not acknowledge a publish in time. */
export class NotStoredError extends Error {
  override readonly name = "NotStoredError";
  constructor(
    readonly subject: string,
    readonly timeoutMs: number,
    namespace: string,
  ) {
    super(
      `not stored within ${timeoutMs} ms: no JetStream stream of namespace "${namespace}" acknowledged ${subject} (are the streams there? \`uaip streams apply\` creates them, as does starting the hub)`,
    );
  }
}

/** Waits for `ack` at most `timeoutMs`, then fails with NotStoredError. */
export async function stored<T>(
  ack: Promise<T>,
  subject: string,
  timeoutMs: number,
  namespace: string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NotStoredError(subject, timeoutMs, namespace)), timeoutMs);
  });
  try {
    return await Promise.race([ack, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
