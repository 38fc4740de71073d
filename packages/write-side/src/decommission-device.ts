import { appendEvent, jetStreamErrorCode, WrongLastSequence } from "@uaip/device-protocol";
import { createEvent, streamName, subjects } from "@uaip/events";
import { lastOnSubject, registrySequences } from "./log-lookups.ts";
import { parseInput } from "./parse-input.ts";
import type { Stored } from "./register-device.ts";
import type { WriteDeps } from "./write-deps.ts";
import { UnknownDeviceError } from "./write-errors.ts";
import { DecommissionDeviceBody, DeviceIdSchema } from "./write-schemas.ts";

/**
 * Decommissions a device for good: it takes no more commands (the dispatcher cancels those
 * still open). Stored once (expecting its decommissioned subject to be empty); doing it again
 * answers with the first decommissioning and `alreadyDecommissioned: true`.
 *
 * @throws InvalidInputError, UnknownDeviceError
 */
export async function decommissionDevice(
  deps: WriteDeps,
  deviceId: string,
  input: unknown = {},
): Promise<
  Stored & { deviceId: string; decommissionedAt: string; alreadyDecommissioned: boolean }
> {
  const id = parseInput(DeviceIdSchema, deviceId, "path", "id");
  const data = parseInput(DecommissionDeviceBody, input ?? {}, "body");
  const seqs = await registrySequences(deps.jsm, deps.namespace, id);
  if (seqs.registered === 0) throw new UnknownDeviceError(id);
  const s = subjects(deps.namespace);
  const event = createEvent("device.decommissioned", id, data, { source: "operator" });
  try {
    const ack = await appendEvent(deps.jsm.jetstream(), s, event, { expectLastSubjectSequence: 0 });
    return {
      stream: ack.stream,
      seq: ack.seq,
      deviceId: id,
      decommissionedAt: event.occurredAt,
      alreadyDecommissioned: false,
    };
  } catch (err) {
    if (jetStreamErrorCode(err) !== WrongLastSequence) throw err;
    const stream = streamName(deps.namespace, "devices");
    const first = await lastOnSubject(deps.jsm, stream, s.device(id, "decommissioned"));
    const body = first?.json<{ occurredAt?: string }>();
    return {
      stream,
      seq: first?.seq ?? 0,
      deviceId: id,
      decommissionedAt: body?.occurredAt ?? first?.time.toISOString() ?? event.occurredAt,
      alreadyDecommissioned: true,
    };
  }
}
