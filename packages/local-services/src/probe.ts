import { connect } from "node:net";
import pg from "pg";
import { hostPortOf } from "./service-url.ts";

/** Whether something answered at a URL, and in a few words what was seen. */
export interface ProbeResult {
  readonly answers: boolean;
  readonly detail: string;
}

export const DEFAULT_PROBE_TIMEOUT_MS = 1_500;

/** Connection failures that mean "nobody is there"; anything else means a server answered. */
const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/** NATS answers a new TCP connection with a line starting `INFO `. */
export function probeNats(url: string, timeoutMs = DEFAULT_PROBE_TIMEOUT_MS): Promise<ProbeResult> {
  const { host, port } = hostPortOf("NATS", url, 4222);
  return exchangeLine(host, port, timeoutMs, undefined, (line) =>
    line.startsWith("INFO ")
      ? { answers: true, detail: "INFO received" }
      : { answers: false, detail: `not NATS: ${line.slice(0, 40)}` },
  );
}

/**
 * Redis answers `PING` with `+PONG`; an error reply such as `-NOAUTH` also comes from a
 * running Redis (one that wants a password), so it counts as answering.
 */
export function probeRedis(
  url: string,
  timeoutMs = DEFAULT_PROBE_TIMEOUT_MS,
): Promise<ProbeResult> {
  const { host, port } = hostPortOf("Redis", url, 6379);
  return exchangeLine(host, port, timeoutMs, "PING\r\n", (line) =>
    line.startsWith("+PONG") || line.startsWith("-")
      ? { answers: true, detail: line.slice(0, 40) }
      : { answers: false, detail: `not Redis: ${line.slice(0, 40)}` },
  );
}

/**
 * Connects to the `postgres` database of the server named by `url` and runs `SELECT 1`.
 * A refused or timed-out connection means nobody is there; an authentication or
 * missing-database error still comes from a running PostgreSQL, so it counts as answering.
 */
export async function probePostgres(
  url: string,
  timeoutMs = DEFAULT_PROBE_TIMEOUT_MS,
): Promise<ProbeResult> {
  hostPortOf("PostgreSQL", url, 5432); // throws InvalidServiceUrlError for a malformed URL
  const outcome = await queryPostgres(url, "postgres", timeoutMs);
  if (outcome.ok) return { answers: true, detail: "SELECT 1 answered" };
  if (outcome.error === TIMEOUT) return { answers: false, detail: `no answer in ${timeoutMs} ms` };
  const code = errorCode(outcome.error);
  if (code !== undefined && UNREACHABLE.has(code)) return { answers: false, detail: code };
  return { answers: true, detail: `answered with an error: ${messageOf(outcome.error)}` };
}

/**
 * Whether `SELECT 1` succeeds on `database` of the server at `url`: stricter than
 * {@link probePostgres}, for waiting until a freshly started server accepts queries.
 */
export async function postgresReady(
  url: string,
  database: string,
  timeoutMs = DEFAULT_PROBE_TIMEOUT_MS,
): Promise<boolean> {
  return (await queryPostgres(url, database, timeoutMs)).ok;
}

const TIMEOUT = Symbol("timeout");

async function queryPostgres(
  url: string,
  database: string,
  timeoutMs: number,
): Promise<{ ok: true } | { ok: false; error: unknown }> {
  const target = new URL(url);
  target.pathname = `/${encodeURIComponent(database)}`;
  const client = new pg.Client({
    connectionString: target.toString(),
    // pg's own timeout is only a backstop: ours below decides, without reading error text.
    connectionTimeoutMillis: timeoutMs + 500,
    application_name: "uaip-probe",
  });
  client.on("error", () => {});
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMEOUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMEOUT), timeoutMs);
  });
  const attempt = (async () => {
    await client.connect();
    await client.query("SELECT 1");
  })();
  attempt.catch(() => {});
  try {
    const first = await Promise.race([attempt.then(() => "done" as const), timeout]);
    return first === TIMEOUT ? { ok: false, error: TIMEOUT } : { ok: true };
  } catch (error) {
    return { ok: false, error };
  } finally {
    clearTimeout(timer);
    client.end().catch(() => {});
  }
}

/** Opens a TCP connection, optionally writes `greeting`, and judges the first line read. */
function exchangeLine(
  host: string,
  port: number,
  timeoutMs: number,
  greeting: string | undefined,
  judge: (line: string) => ProbeResult,
): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let received = "";
    let settled = false;
    const socket = connect({ host, port });
    const finish = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () => finish({ answers: false, detail: `no answer in ${timeoutMs} ms` }),
      timeoutMs,
    );
    socket.setEncoding("utf8");
    socket.on("connect", () => {
      if (greeting !== undefined) socket.write(greeting);
    });
    socket.on("data", (chunk: string) => {
      received += chunk;
      const end = received.indexOf("\r\n");
      if (end >= 0) finish(judge(received.slice(0, end)));
      else if (received.length > 64 * 1024) finish(judge(received));
    });
    socket.on("error", (error) =>
      finish({ answers: false, detail: errorCode(error) ?? error.message }),
    );
    socket.on("close", () =>
      finish({ answers: false, detail: "connection closed without a reply" }),
    );
  });
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  return typeof error.code === "string" ? error.code : undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
