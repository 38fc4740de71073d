import { appendEvent, jetStreamErrorCode, WrongLastSequence } from "@uaip/device-protocol";
import { createEvent, type EventData, subjects } from "@uaip/events";
import { parseInput } from "./parse-input.ts";
import type { WriteDeps } from "./write-deps.ts";
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
 * Registers a device for an operator. Uniqueness is the log's: `device.registered` is
 * appended expecting the device's registered subject to be empty (last subject sequence 0),
 * so of any number of concurrent registrations exactly one is stored.
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
  const event = createEvent("device.registered", id, data, { source: "operator" });
  try {
    const ack = await appendEvent(deps.jsm.jetstream(), subjects(deps.namespace), event, {
      expectLastSubjectSequence: 0,
    });
    return {
      stream: ack.stream,
      seq: ack.seq,
      device: { id, ...event.data, registeredAt: event.occurredAt, version: ack.seq },
    };
  } catch (err) {
    if (jetStreamErrorCode(err) === WrongLastSequence) throw new DeviceExistsError(id);
    throw err;
  }
}
