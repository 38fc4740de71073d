import { appendEvent, jetStreamErrorCode, WrongLastSequence } from "@uaip/device-protocol";
import { createEvent, type EventData, streamName, subjects } from "@uaip/events";
import { firstValidOn } from "./log-lookups.ts";
import { parseInput } from "./parse-input.ts";
import { appendTarget, type WriteDeps } from "./write-deps.ts";
import { DeviceExistsError } from "./write-errors.ts";
import { RegisterDeviceBody } from "./write-schemas.ts";

/** A device as registered: its id, the registration's fields, when, and its version. */
export type RegisteredDevice = { readonly id: string } & EventData<"device.registered"> & {
    readonly registeredAt: string;
    readonly version: number;
  };

/** Where a write was stored: the stream and its sequence (what `X-Min-Sequence` asks for). */
export interface Stored {
  readonly stream: string;
  readonly seq: number;
}

/**
 * Registers a device for an operator. A device is registered once, by whichever
 * registration comes first in the log — its own (`<ns>.device.<id>.registered`) or an
 * operator's (`….registered.operator`); ids are never reused, not even after
 * decommissioning. Among operators the log decides alone: the append expects the operator
 * subject to be empty (last subject sequence 0), so of concurrent POSTs exactly one is
 * stored. Against the device's own registration, which NATS 2.9 cannot make one append
 * expect too, it is checked before the append and again after it: a device registration
 * stored before ours means ours is not the registration (the devices fold refuses it too),
 * and the answer is 409 as if it had come first.
 *
 * @throws InvalidInputError, DeviceExistsError
 * @example
 * const { device, seq } = await registerDevice(deps, { id: "lamp-1", name: "Desk lamp", type: "smart-bulb" });
 */
export async function registerDevice(
  deps: WriteDeps,
  input: unknown,
): Promise<Stored & { device: RegisteredDevice }> {
  const { id, ...data } = parseInput(RegisterDeviceBody, input, "body");
  const stream = streamName(deps.namespace, "devices");
  const own = subjects(deps.namespace).device(id, "registered");
  const byDevice = () => firstValidOn(deps.jsm, deps.namespace, stream, own);
  if (await byDevice()) throw new DeviceExistsError(id);
  const event = createEvent("device.registered", id, data, { source: "operator" });
  let seq: number;
  let ackStream: string;
  try {
    const ack = await appendEvent(appendTarget(deps), event, { expectLastSubjectSequence: 0 });
    seq = ack.seq;
    ackStream = ack.stream;
  } catch (err) {
    if (jetStreamErrorCode(err) === WrongLastSequence) throw new DeviceExistsError(id);
    throw err;
  }
  const raced = await byDevice();
  if (raced && raced.seq < seq) throw new DeviceExistsError(id);
  return {
    stream: ackStream,
    seq,
    device: { id, ...event.data, registeredAt: event.occurredAt, version: seq },
  };
}
