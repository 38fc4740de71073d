import { appendEvent, jetStreamErrorCode, WrongLastSequence } from "@uaip/device-protocol";
import { createEvent, streamName, subjects } from "@uaip/events";
import { firstValidOfAnyOrigin, registrySequences } from "./log-lookups.ts";
import { parseInput } from "./parse-input.ts";
import type { Stored } from "./register-device.ts";
import { appendTarget, type WriteDeps } from "./write-deps.ts";
import { UnknownDeviceError } from "./write-errors.ts";
import { DecommissionDeviceBody, DeviceIdSchema } from "./write-schemas.ts";

/**
 * Decommissions a device for good: from then on nothing it sends counts (see
 * docs/projections.md, "After decommissioning"), it takes no more commands (the dispatcher
 * cancels those still open), and its id is never registered again. Stored once (expecting
 * the operator's decommissioned subject to be empty); doing it again — or after the device
 * decommissioned itself — answers with the first decommissioning and
 * `alreadyDecommissioned: true`.
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
  const stream = streamName(deps.namespace, "devices");
  const earlier = async () => {
    const first = await firstValidOfAnyOrigin(
      deps.jsm,
      deps.namespace,
      stream,
      s.device(id, "decommissioned"),
    );
    const body = first?.json<{ occurredAt?: string }>();
    return {
      stream,
      seq: first?.seq ?? 0,
      deviceId: id,
      decommissionedAt: body?.occurredAt ?? first?.time.toISOString() ?? new Date().toISOString(),
      alreadyDecommissioned: true,
    };
  };
  if (seqs.decommissioned > 0) return earlier();
  const event = createEvent("device.decommissioned", id, data, { source: "operator" });
  try {
    const ack = await appendEvent(appendTarget(deps), event, { expectLastSubjectSequence: 0 });
    return {
      stream: ack.stream,
      seq: ack.seq,
      deviceId: id,
      decommissionedAt: event.occurredAt,
      alreadyDecommissioned: false,
    };
  } catch (err) {
    if (jetStreamErrorCode(err) !== WrongLastSequence) throw err;
    return earlier();
  }
}
