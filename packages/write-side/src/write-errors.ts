import type { FieldIssue } from "@uaip/events";

/** The input broke a rule; `issues` name each field. */
export class InvalidInputError extends Error {
  override readonly name = "InvalidInputError";
  constructor(
    readonly issues: readonly FieldIssue[],
    readonly where: "body" | "header" | "path" | "query",
  ) {
    super(`${where}: ${issues.map((i) => `${i.field}: ${i.message}`).join("; ")}`);
  }
}

/** A device with this id was registered before (ids are never reused). */
export class DeviceExistsError extends Error {
  override readonly name = "DeviceExistsError";
  constructor(readonly deviceId: string) {
    super(`device "${deviceId}" is already registered`);
  }
}

/** No device with this id was ever registered. */
export class UnknownDeviceError extends Error {
  override readonly name = "UnknownDeviceError";
  constructor(readonly deviceId: string) {
    super(`no device "${deviceId}"`);
  }
}

/** `If-Match` names a version older than the device's last registry change. */
export class VersionMismatchError extends Error {
  override readonly name = "VersionMismatchError";
  constructor(
    readonly deviceId: string,
    readonly expected: number,
    /** Stream sequence of the device's last registry change. */
    readonly current: number,
  ) {
    super(`device "${deviceId}" changed at version ${current}, after version ${expected}`);
  }
}

/** The device was decommissioned: it takes no more commands or changes. */
export class DeviceDecommissionedError extends Error {
  override readonly name = "DeviceDecommissionedError";
  constructor(
    readonly deviceId: string,
    readonly seq: number,
  ) {
    super(`device "${deviceId}" was decommissioned (sequence ${seq})`);
  }
}

/** The command is not among the capabilities the device declared. */
export class CommandNotSupportedError extends Error {
  override readonly name = "CommandNotSupportedError";
  constructor(
    readonly deviceId: string,
    readonly command: string,
    readonly capabilities: readonly string[],
  ) {
    super(
      `device "${deviceId}" does not accept "${command}"; it accepts ${capabilities.length ? capabilities.join(", ") : "no commands"}`,
    );
  }
}

/** The same Idempotency-Key came with a different command. */
export class IdempotencyKeyReusedError extends Error {
  override readonly name = "IdempotencyKeyReusedError";
  constructor(
    readonly deviceId: string,
    readonly commandId: string,
  ) {
    super(`this Idempotency-Key was used for command "${commandId}" with another name or params`);
  }
}

/** No command with this id was issued. */
export class UnknownCommandError extends Error {
  override readonly name = "UnknownCommandError";
  constructor(readonly commandId: string) {
    super(`no command "${commandId}"`);
  }
}

/** The command already ended (completed, failed or expired): it cannot be cancelled. */
export class CommandFinalError extends Error {
  override readonly name = "CommandFinalError";
  constructor(
    readonly commandId: string,
    readonly state: "completed" | "failed" | "expired",
  ) {
    super(`command "${commandId}" is already ${state}`);
  }
}

/** A read model did not reach what the write depends on in time. */
export class ProjectionBehindError extends Error {
  override readonly name = "ProjectionBehindError";
  constructor(
    readonly projection: string,
    readonly wanted: number,
    readonly waitedMs: number,
  ) {
    super(`the ${projection} projection did not reach sequence ${wanted} within ${waitedMs} ms`);
  }
}
