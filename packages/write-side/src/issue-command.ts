import type { StoredMsg } from "@nats-io/jetstream";
import {
  appendEvent,
  commandEventId,
  jetStreamErrorCode,
  WrongLastSequence,
} from "@uaip/device-protocol";
import { createEvent, type EventData, streamName, subjects } from "@uaip/events";
import { commandIdFor, newCommandId, sameJson } from "./command-ids.ts";
import { deviceAtLeast } from "./device-at-least.ts";
import { lastOnSubject, registrySequences } from "./log-lookups.ts";
import { parseInput } from "./parse-input.ts";
import type { Stored } from "./register-device.ts";
import { appendTarget, type WriteDeps } from "./write-deps.ts";
import {
  CommandNotSupportedError,
  DeviceDecommissionedError,
  IdempotencyKeyReusedError,
  UnknownDeviceError,
} from "./write-errors.ts";
import { DeviceIdSchema, IdempotencyKeySchema, IssueCommandBody } from "./write-schemas.ts";

/** A command as issued; `created` is false when an Idempotency-Key found it issued before. */
export interface IssuedCommand extends Stored {
  readonly commandId: string;
  readonly deviceId: string;
  readonly name: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly expiresAt: string;
  readonly created: boolean;
}

/**
 * Issues a command to a device: checks that the device is registered, not decommissioned,
 * and declares the command among its capabilities, then appends `command.issued`, which the
 * dispatcher delivers. `ttl` (seconds) sets `expiresAt`.
 *
 * With an `idempotencyKey` the command id is derived from (device, key), the append expects
 * the command's issued subject (`….issued.operator`) to be empty and carries a fixed msg id
 * (derived with the hub's secret, so no device can take it first): however often the POST
 * is retried — concurrently, or days later — one command is stored and every retry answers
 * with it. The same key with a different name or params is an error.
 *
 * @throws InvalidInputError, UnknownDeviceError, DeviceDecommissionedError,
 *   CommandNotSupportedError, IdempotencyKeyReusedError, ProjectionBehindError
 * @example
 * const cmd = await issueCommand(deps, "lamp-1", { name: "set_power", params: { on: true }, ttl: 60 }, "req-42");
 */
export async function issueCommand(
  deps: WriteDeps,
  deviceId: string,
  input: unknown,
  idempotencyKey?: string,
  issuedBy?: string,
): Promise<IssuedCommand> {
  const id = parseInput(DeviceIdSchema, deviceId, "path", "id");
  const body = parseInput(IssueCommandBody, input, "body");
  const key =
    idempotencyKey === undefined
      ? undefined
      : parseInput(IdempotencyKeySchema, idempotencyKey, "header", "Idempotency-Key");
  const s = subjects(deps.namespace);
  const stream = streamName(deps.namespace, "commands");
  const commandId = key ? commandIdFor(id, key) : newCommandId();
  const subject = s.command(id, commandId, "issued", "operator");

  if (key) {
    // A retry answers with the command it stands for, whatever became of the device since.
    const earlier = await lastOnSubject(deps.jsm, stream, subject);
    if (earlier) return replay(stream, earlier, id, body);
  }
  const seqs = await registrySequences(deps.jsm, deps.namespace, id);
  if (seqs.registered === 0) throw new UnknownDeviceError(id);
  if (seqs.decommissioned > 0) throw new DeviceDecommissionedError(id, seqs.decommissioned);
  const device = await deviceAtLeast(deps, id, Math.max(seqs.registered, seqs.updated));
  if (!device.capabilities.includes(body.name)) {
    throw new CommandNotSupportedError(id, body.name, device.capabilities);
  }

  const event = createEvent(
    "command.issued",
    id,
    {
      commandId,
      name: body.name,
      params: body.params,
      expiresAt: new Date(Date.now() + body.ttl * 1000).toISOString(),
      ...(key ? { idempotencyKey: key } : {}),
      ...(issuedBy ? { issuedBy } : {}),
    },
    { id: commandEventId.issued(commandId), source: "operator" },
  );
  try {
    const ack = await appendEvent(appendTarget(deps), event, { expectLastSubjectSequence: 0 });
    if (ack.duplicate) {
      const stored = await deps.jsm.streams.getMessage(stream, { seq: ack.seq });
      if (stored) return replay(stream, stored, id, body);
    }
    return issued(ack, event.data, id, true);
  } catch (err) {
    if (jetStreamErrorCode(err) !== WrongLastSequence) throw err;
    const earlier = await lastOnSubject(deps.jsm, stream, subject);
    if (!earlier) throw err;
    return replay(stream, earlier, id, body);
  }
}

function issued(
  at: Stored,
  data: EventData<"command.issued">,
  deviceId: string,
  created: boolean,
): IssuedCommand {
  return {
    stream: at.stream,
    seq: at.seq,
    commandId: data.commandId,
    deviceId,
    name: data.name,
    params: data.params,
    expiresAt: data.expiresAt,
    created,
  };
}

function replay(
  stream: string,
  stored: StoredMsg,
  deviceId: string,
  body: { name: string; params: Record<string, unknown> },
): IssuedCommand {
  const data = stored.json<{ data: EventData<"command.issued"> }>().data;
  if (data.name !== body.name || !sameJson(data.params, body.params)) {
    throw new IdempotencyKeyReusedError(deviceId, data.commandId);
  }
  return issued({ stream, seq: stored.seq }, data, deviceId, false);
}
