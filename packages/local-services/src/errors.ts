/** A service had to be started locally but its program is not installed. */
export class MissingBinaryError extends Error {
  override readonly name = "MissingBinaryError";
  constructor(
    /** The program looked for, e.g. `nats-server`. */
    readonly binary: string,
    /** What to run to install it, e.g. `Debian: apt-get install -y nats-server`. */
    readonly installHint: string,
  ) {
    super(`${binary} not found: install it (${installHint})`);
  }
}

/** A local service could not be started, or did not answer in time. */
export class ServiceStartError extends Error {
  override readonly name = "ServiceStartError";
  constructor(
    readonly service: string,
    message: string,
    /** Where the service's own output went, when it got that far. */
    readonly logFile?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A configured URL that names no host and port a service could be probed at. */
export class InvalidServiceUrlError extends Error {
  override readonly name = "InvalidServiceUrlError";
  constructor(
    readonly service: string,
    readonly url: string,
    options?: ErrorOptions,
  ) {
    super(`${service} URL is not valid: ${JSON.stringify(url)}`, options);
  }
}

export function isMissingBinary(err: unknown): err is MissingBinaryError {
  return err instanceof MissingBinaryError;
}

export function isServiceStartError(err: unknown): err is ServiceStartError {
  return err instanceof ServiceStartError;
}
