import type { JetStreamManager, StoredMsg } from "@nats-io/jetstream";
import { streamName, subjects } from "@uaip/events";

/**
 * The last message on a subject (wildcards allowed), read from the stream's leader through
 * the JetStream API, so a write just acknowledged is seen; null when there is none.
 */
export async function lastOnSubject(
  jsm: JetStreamManager,
  stream: string,
  subject: string,
): Promise<StoredMsg | null> {
  return jsm.streams.getMessage(stream, { last_by_subj: subject });
}

/** Stream sequences of a device's registry events, 0 where there is none. */
export interface RegistrySequences {
  readonly registered: number;
  readonly updated: number;
  readonly decommissioned: number;
}

/**
 * Where the device's registry stands in the log: the sequence of its (only) registration,
 * its last update and its decommissioning. Read from the log, not a read model, so a write
 * just made is never missed.
 */
export async function registrySequences(
  jsm: JetStreamManager,
  namespace: string,
  deviceId: string,
): Promise<RegistrySequences> {
  const s = subjects(namespace);
  const stream = streamName(namespace, "devices");
  const [registered, updated, decommissioned] = await Promise.all(
    ["registered", "updated", "decommissioned"].map(
      async (token) => (await lastOnSubject(jsm, stream, s.device(deviceId, token)))?.seq ?? 0,
    ),
  );
  return { registered: registered!, updated: updated!, decommissioned: decommissioned! };
}
