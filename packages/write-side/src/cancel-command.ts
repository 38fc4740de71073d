import {
  appendEvent,
  commandEventId,
  jetStreamErrorCode,
  WrongLastSequence,
} from "@uaip/device-protocol";
import { CommandIdSchema, createEvent, streamName, subjects } from "@uaip/events";
import { lastOfAnyOrigin, lastOnSubject } from "./log-lookups.ts";
import { parseInput } from "./parse-input.ts";
import type { Stored } from "./register-device.ts";
import { appendTarget, type WriteDeps } from "./write-deps.ts";
import { CommandFinalError, UnknownCommandError } from "./write-errors.ts";
import { CancelCommandBody } from "./write-schemas.ts";

/**
 * Cancels a command that has not ended. The cancellation is stored once (expecting the
 * operator's cancelled subject to be empty); cancelling again — or after the dispatcher
 * cancelled it — answers with the first and `alreadyCancelled`.
 * The dispatcher checks the log for it right before each delivery, so a command whose
 * cancellation is stored is not delivered afterwards.
 *
 * @throws InvalidInputError, UnknownCommandError, CommandFinalError
 */
export async function cancelCommand(
  deps: WriteDeps,
  commandId: string,
  input: unknown = {},
): Promise<Stored & { commandId: string; deviceId: string; alreadyCancelled: boolean }> {
  const id = parseInput(CommandIdSchema, commandId, "path", "id");
  const data = parseInput(CancelCommandBody, input ?? {}, "body");
  const s = subjects(deps.namespace);
  const stream = streamName(deps.namespace, "commands");
  const deviceId = await deviceOf(deps, stream, id);
  if (!deviceId) throw new UnknownCommandError(id);

  const phase = (token: string) =>
    lastOfAnyOrigin(deps.jsm, stream, s.command(deviceId, id, token));
  const [cancelled, completed, failed, expired] = await Promise.all(
    ["cancelled", "completed", "failed", "expired"].map(phase),
  );
  if (cancelled)
    return { stream, seq: cancelled.seq, commandId: id, deviceId, alreadyCancelled: true };
  const ended = (
    [
      ["completed", completed],
      ["failed", failed],
      ["expired", expired],
    ] as const
  )
    .filter(([, m]) => m)
    .sort(([, a], [, b]) => a!.seq - b!.seq)[0];
  if (ended) throw new CommandFinalError(id, ended[0]);

  const event = createEvent(
    "command.cancelled",
    deviceId,
    { commandId: id, ...data },
    { id: commandEventId.cancelled(id), source: "operator" },
  );
  try {
    const ack = await appendEvent(appendTarget(deps), event, { expectLastSubjectSequence: 0 });
    return {
      stream: ack.stream,
      seq: ack.seq,
      commandId: id,
      deviceId,
      alreadyCancelled: ack.duplicate,
    };
  } catch (err) {
    if (jetStreamErrorCode(err) !== WrongLastSequence) throw err;
    const first = await phase("cancelled");
    return { stream, seq: first?.seq ?? 0, commandId: id, deviceId, alreadyCancelled: true };
  }
}

/** The device a command was issued to: from the read model, else (not projected yet) the log. */
async function deviceOf(
  deps: WriteDeps,
  stream: string,
  commandId: string,
): Promise<string | undefined> {
  const row = await deps.db
    .selectFrom("commands")
    .select("device_id")
    .where("command_id", "=", commandId)
    .executeTakeFirst();
  if (row) return row.device_id;
  const issued = await lastOnSubject(
    deps.jsm,
    stream,
    subjects(deps.namespace).command("*", commandId, "issued", "operator"),
  );
  return issued ? issued.subject.split(".")[2] : undefined;
}
