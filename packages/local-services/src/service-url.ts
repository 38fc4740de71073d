import { InvalidServiceUrlError } from "./errors.ts";

export interface HostPort {
  host: string;
  port: number;
}

/**
 * Host and port of a service URL, with the service's default port when none is given.
 * A NATS URL may list several servers separated by commas; the first one counts.
 */
export function hostPortOf(service: string, url: string, defaultPort: number): HostPort {
  const first = url.split(",")[0]?.trim() ?? "";
  const withScheme = first.includes("://") ? first : `tcp://${first}`;
  let parsed: URL;
  try {
    parsed = new URL(withScheme);
  } catch (cause) {
    throw new InvalidServiceUrlError(service, url, { cause });
  }
  // IPv6 literals come back bracketed; net.connect wants them bare.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  if (host === "") throw new InvalidServiceUrlError(service, url);
  const port = parsed.port === "" ? defaultPort : Number(parsed.port);
  return { host, port };
}

/** `url` with its host and port replaced, everything else (user, password, path) kept. */
export function withHostPort(service: string, url: string, host: string, port: number): string {
  const first = url.split(",")[0]?.trim() ?? "";
  let parsed: URL;
  try {
    parsed = new URL(first);
  } catch (cause) {
    throw new InvalidServiceUrlError(service, url, { cause });
  }
  parsed.hostname = host;
  parsed.port = String(port);
  return parsed.toString();
}
