import { HttpProblem, ProblemTypeBase, problems } from "@uaip/http-kit";
import {
  CommandFinalError,
  CommandNotSupportedError,
  DeviceDecommissionedError,
  DeviceExistsError,
  IdempotencyKeyReusedError,
  InvalidInputError,
  ProjectionBehindError,
  UnknownCommandError,
  UnknownDeviceError,
  VersionMismatchError,
} from "./write-errors.ts";

const problem = (slug: string, title: string, status: number, detail: string, extra = {}) =>
  new HttpProblem({ type: `${ProblemTypeBase}${slug}`, title, status, detail, ...extra });

/**
 * The HTTP problem for a write error: 400 bad input, 404 unknown device or command, 409
 * conflict (exists, decommissioned, already ended), 412 stale If-Match, 422 command not
 * supported or Idempotency-Key reused, 503 projection behind; `undefined` for any other
 * error. The write routes declare it, so the app's one error handler answers with it.
 *
 * @example
 * errorHandler({ problems: [writeProblem] });
 */
export function writeProblem(err: unknown): HttpProblem | undefined {
  if (err instanceof InvalidInputError) return problems.validation(err.issues, err.where);
  if (err instanceof UnknownDeviceError || err instanceof UnknownCommandError)
    return problems.notFound(err.message);
  if (err instanceof DeviceExistsError)
    return problem("conflict", "Conflict", 409, err.message, { deviceId: err.deviceId });
  if (err instanceof DeviceDecommissionedError)
    return problem("decommissioned", "Device decommissioned", 409, err.message, {
      deviceId: err.deviceId,
      seq: err.seq,
    });
  if (err instanceof CommandFinalError)
    return problem("command-ended", "Command already ended", 409, err.message, {
      commandId: err.commandId,
      state: err.state,
    });
  if (err instanceof VersionMismatchError)
    return problem("precondition-failed", "Precondition failed", 412, err.message, {
      deviceId: err.deviceId,
      expected: err.expected,
      current: err.current,
    });
  if (err instanceof CommandNotSupportedError)
    return problem("command-not-supported", "Command not supported", 422, err.message, {
      deviceId: err.deviceId,
      command: err.command,
      capabilities: err.capabilities,
    });
  if (err instanceof IdempotencyKeyReusedError)
    return problem("idempotency-key-reused", "Idempotency-Key reused", 422, err.message, {
      commandId: err.commandId,
    });
  if (err instanceof ProjectionBehindError)
    return problems.unavailable(err.message, { projection: err.projection, wanted: err.wanted });
  return undefined;
}
