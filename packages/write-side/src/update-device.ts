import { appendEvent, jetStreamErrorCode, WrongLastSequence } from "@uaip/device-protocol";
import { createEvent, type EventData } from "@uaip/events";
import { registrySequences } from "./log-lookups.ts";
import { parseInput } from "./parse-input.ts";
import type { Stored } from "./register-device.ts";
import { appendTarget, type WriteDeps } from "./write-deps.ts";
import {
  DeviceDecommissionedError,
  UnknownDeviceError,
  VersionMismatchError,
} from "./write-errors.ts";
import { DeviceIdSchema, UpdateDeviceBody } from "./write-schemas.ts";

/**
 * Changes a device's registry fields. With `ifMatch` (a version the caller read, e.g. from
 * `GET /devices/:id`), the change is stored only if no registry change (registration,
 * update, decommissioning) came after that version; otherwise VersionMismatchError (412).
 *
 * Race-free among operators without NATS 2.10: every operator update lives on one subject
 * per device (`<ns>.device.<id>.updated.operator`), and this append expects that subject's
 * last sequence to be the one read just before. Two PATCHes with the same If-Match both read
 * it, both append expecting it, and JetStream stores exactly one; the other gets 412. A
 * device's own update (`<ns>.device.<id>.updated`) counts as a change for If-Match when it
 * was stored before the read; one stored between the read and the append is not detected
 * (an append can expect one subject only). Status changes live on another subject and do
 * not touch registry fields, so they do not invalidate an If-Match.
 *
 * @throws InvalidInputError, UnknownDeviceError, DeviceDecommissionedError, VersionMismatchError
 */
export async function updateDevice(
  deps: WriteDeps,
  deviceId: string,
  input: unknown,
  ifMatchVersion?: number | "*",
): Promise<Stored & { deviceId: string; changes: EventData<"device.updated"> }> {
  const id = parseInput(DeviceIdSchema, deviceId, "path", "id");
  const changes = parseInput(UpdateDeviceBody, input, "body");
  const seqs = await registrySequences(deps.jsm, deps.namespace, id);
  if (seqs.registered === 0) throw new UnknownDeviceError(id);
  if (seqs.decommissioned > 0) throw new DeviceDecommissionedError(id, seqs.decommissioned);
  const current = Math.max(seqs.registered, seqs.updated);
  if (typeof ifMatchVersion === "number" && ifMatchVersion < current) {
    throw new VersionMismatchError(id, ifMatchVersion, current);
  }
  const event = createEvent("device.updated", id, changes, { source: "operator" });
  // Without a version to match, the last writer wins; with one, the append holds only if no
  // other update came in since the read above.
  const conditional = typeof ifMatchVersion === "number";
  try {
    const ack = await appendEvent(
      appendTarget(deps),
      event,
      conditional ? { expectLastSubjectSequence: seqs.operatorUpdated } : {},
    );
    return { stream: ack.stream, seq: ack.seq, deviceId: id, changes: event.data };
  } catch (err) {
    if (!conditional || jetStreamErrorCode(err) !== WrongLastSequence) throw err;
    // Another update landed between our read and our append.
    const now = await registrySequences(deps.jsm, deps.namespace, id);
    throw new VersionMismatchError(id, ifMatchVersion, Math.max(now.registered, now.updated));
  }
}
