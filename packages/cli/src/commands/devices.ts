import { createDeviceCredentials, renderUserEntry } from "@uaip/credentials";
import { deviceSubjects } from "@uaip/device-protocol";
import { Command } from "commander";
import { cliContext, run, UsageError } from "../context.ts";

/** What `uaip devices credentials` prints, as text. */
export function credentialsText(
  namespace: string,
  deviceId: string,
): { text: string; json: unknown } {
  let c: ReturnType<typeof createDeviceCredentials>;
  try {
    c = createDeviceCredentials(namespace, deviceId);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const inboxPrefix = deviceSubjects(namespace, deviceId).replyPrefix;
  const entry = renderUserEntry(c);
  const text = `Credentials for device ${deviceId} (namespace ${namespace})

1. Give the device its seed. It is secret, shown this once, and not kept by the hub:

   UAIP_DEVICE_ID=${deviceId}
   UAIP_DEVICE_SEED=${c.seed}

   With the device SDK:
     connectDevice({ servers: NATS_URL, namespace: "${namespace}", deviceId: "${deviceId}",
                     credentials: { nkeySeed: process.env.UAIP_DEVICE_SEED } })
   Any other NATS client: nkey authentication with this seed, and inbox prefix
   "${inboxPrefix}" (its JetStream acks can only arrive there).

2. Let it in: add this entry to the nats-server configuration, inside
   authorization { users = [ ... ] }, then reload the server (nats-server --signal reload).
   It may publish only its own events, telemetry, heartbeats and command outcomes, and
   subscribe only to its command inbox and its own replies.

${entry}
`;
  return {
    text,
    json: {
      namespace,
      deviceId,
      seed: c.seed,
      publicKey: c.publicKey,
      inboxPrefix,
      permissions: c.permissions,
    },
  };
}

/**
 * `uaip devices …`: what an operator does for one device outside the HTTP API.
 *
 * @example
 * uaip devices credentials lamp-1 [--json]
 */
export function devicesCommand(): Command {
  const cmd = new Command("devices").description(
    "Operator tasks for one device: its NATS credentials (UAIP_NAMESPACE); to act as a device, see `uaip device`",
  );
  cmd
    .command("credentials")
    .argument("<id>", "the device id (1-64 letters, digits, '_' or '-')")
    .description(
      "Create a NATS nkey for a device and print its seed and the nats-server entry that confines it to its own subjects",
    )
    .option("--json", "print JSON (seed, public key, inbox prefix, permissions) instead of text")
    .addHelpText(
      "after",
      `
Each run creates a new key: to rotate a device's credentials, run it again and replace the
device's entry in the server configuration. Nothing is stored by the hub.

Examples:
  uaip devices credentials lamp-1
  UAIP_NAMESPACE=plant2 uaip devices credentials press-07 --json`,
    )
    .action((id: string, opts: { json?: boolean }) =>
      run(async () => {
        const { config } = cliContext();
        const out = credentialsText(config.namespace, id);
        process.stdout.write(opts.json ? `${JSON.stringify(out.json, null, 2)}\n` : out.text);
      }),
    );
  return cmd;
}
