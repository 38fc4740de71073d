/** The services a command talks to, as a user would name them. */
export type ServiceName = "NATS" | "PostgreSQL" | "Redis";

// Socket errors worth a plain-words reason; anything else keeps the driver's message.
const socketReasons: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host not found (DNS lookup failed)",
  ETIMEDOUT: "timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
};

// PostgreSQL SQLSTATEs a bad DATABASE_URL produces, with what to do about them.
const postgresHints: Record<string, string> = {
  "3D000": "`uaip migrate up` creates it",
  "28P01": "check the user and password in DATABASE_URL",
  "28000": "check the user in DATABASE_URL and the server's pg_hba.conf",
};

/**
 * A service a command needs did not answer, or refused the connection: names the service
 * and the URL it was reached at (password hidden) and why, in one line.
 *
 * @example
 * new ServiceUnreachableError("NATS", "nats://127.0.0.1:1", err).message;
 * // "NATS at nats://127.0.0.1:1: connection refused (is it running? `uaip dev` starts local services)"
 */
export class ServiceUnreachableError extends Error {
  override readonly name = "ServiceUnreachableError";
  readonly url: string;
  constructor(
    readonly service: ServiceName,
    url: string,
    cause: unknown,
  ) {
    const safe = redactUrl(url);
    super(`${service} at ${safe}: ${describe(cause)}`, { cause });
    this.url = safe;
  }
}

/** The URL with its password replaced by `***`; comma-separated lists URL by URL. */
export function redactUrl(url: string): string {
  return url
    .split(",")
    .map((one) => {
      try {
        const u = new URL(one.trim());
        if (u.password) u.password = "***";
        return u.toString().replace(/\/$/, "");
      } catch {
        return one.trim();
      }
    })
    .join(",");
}

function describe(cause: unknown): string {
  const err = cause as { code?: unknown; message?: string; errors?: unknown[] } | undefined;
  // Node reports a host with several addresses (localhost) as an AggregateError of each.
  const first = err?.errors?.[0] as { code?: unknown } | undefined;
  const code = typeof err?.code === "string" ? err.code : first?.code;
  if (typeof code === "string" && socketReasons[code]) {
    const refused = code === "ECONNREFUSED";
    return `${socketReasons[code]}${refused ? " (is it running? `uaip dev` starts local services)" : ""}`;
  }
  const message = err?.message || String(cause);
  if (/connection refused/i.test(message))
    return "connection refused (is it running? `uaip dev` starts local services)";
  const hint = typeof code === "string" ? postgresHints[code] : undefined;
  return hint ? `${message} (${hint})` : message;
}
