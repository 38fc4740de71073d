import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, chown, mkdir, readFile, realpath, rm, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { ServiceStartError } from "./errors.ts";
import { findBinary, postgresBinDirs } from "./find-binary.ts";
import { launchService } from "./launch-service.ts";
import { lastLogLine, spawnManaged } from "./managed-process.ts";
import { postgresReady } from "./probe.ts";
import { withHostPort } from "./service-url.ts";
import type { StartedService } from "./started-service.ts";

const INSTALL_HINT = "Debian: apt-get install -y postgresql; macOS: brew install postgresql@16";
/** The superuser initdb creates; the configured user is created beside it when different. */
const BOOTSTRAP_USER = "postgres";
/** Unix socket paths are limited to 107 bytes; the file name takes up to 16 of them. */
const MAX_SOCKET_DIR = 90;

interface RunAs {
  uid: number;
  gid: number;
}

/**
 * Starts PostgreSQL from the machine's binaries with its cluster in `<dataDir>/postgres/data`
 * (created with `initdb -A trust` on first use), listening on a free loopback port, and makes
 * sure the configured user and database exist in it. When this process runs as root the
 * server runs as the `postgres` system user, since PostgreSQL refuses to run as root.
 * Started again with the same `dataDir` and `port` (after a fast stop, say), it serves the
 * same cluster where its clients expect it. Its stop signal is SIGINT, PostgreSQL's "fast"
 * shutdown (what `pg_ctl -m fast stop` sends).
 */
export async function startPostgres(opts: {
  dataDir: string;
  configuredUrl: string;
  log: (line: string) => void;
  /** Listen here instead of on a free port (a restart where clients expect it). */
  port?: number;
}): Promise<StartedService> {
  const dir = resolve(opts.dataDir, "postgres");
  const data = join(dir, "data");
  const logFile = join(dir, "postgres.log");
  const runAs = await postgresRunAs();
  await mkdir(dir, { recursive: true });
  if (runAs !== undefined) {
    await chown(dir, runAs.uid, runAs.gid);
    await ensureReachable(dirname(dir), resolve(opts.dataDir), runAs, opts.log);
  }

  const { initdb, postgres } = await postgresBinaries(data);
  if (!existsSync(join(data, "PG_VERSION"))) {
    await initCluster(initdb, data, dir, logFile, runAs, opts.log);
  }

  const socketDir = dir.length <= MAX_SOCKET_DIR ? dir : "";
  const { port, process: server } = await launchService({
    name: "postgres",
    command: postgres,
    args: (p) => ["-D", data, "-p", String(p), "-k", socketDir, "-c", "listen_addresses=127.0.0.1"],
    cwd: dir,
    logFile,
    ...(runAs === undefined ? {} : { user: runAs }),
    // SIGINT is PostgreSQL's "fast" shutdown; SIGTERM ("smart") waits for every client.
    stopSignal: "SIGINT",
    ready: (p) => postgresReady(bootstrapUrl(p), "postgres"),
    log: opts.log,
    ...(opts.port === undefined ? {} : { port: opts.port }),
  });
  try {
    await ensureUserAndDatabase(bootstrapUrl(port), opts.configuredUrl, opts.log);
  } catch (cause) {
    await server.stop();
    throw new ServiceStartError(
      "postgres",
      `postgres started but the configured user or database could not be created: ${String(cause)}`,
      logFile,
      { cause },
    );
  }
  return {
    name: "postgres",
    url: withHostPort("PostgreSQL", opts.configuredUrl, "127.0.0.1", port),
    port,
    process: server,
  };
}

function bootstrapUrl(port: number): string {
  return `postgres://${BOOTSTRAP_USER}@127.0.0.1:${port}/postgres`;
}

/** The `postgres` system user when running as root; undefined when no switch is needed. */
async function postgresRunAs(): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const run = promisify(execFile);
  try {
    const uid = Number((await run("id", ["-u", BOOTSTRAP_USER])).stdout.trim());
    const gid = Number((await run("id", ["-g", BOOTSTRAP_USER])).stdout.trim());
    if (Number.isInteger(uid) && Number.isInteger(gid)) return { uid, gid };
  } catch {
    // Falls through to the error below.
  }
  throw new ServiceStartError(
    "postgres",
    "PostgreSQL refuses to run as root and there is no 'postgres' system user: create one (useradd --system postgres) or run the hub as a normal user",
  );
}

/**
 * The server and initdb from one installation. A cluster already initialised by a given major
 * version needs that version's server, so its Debian folder is tried first.
 */
async function postgresBinaries(data: string): Promise<{ initdb: string; postgres: string }> {
  const versionDirs = await postgresBinDirs();
  const preferred: string[] = [];
  try {
    const major = (await readFile(join(data, "PG_VERSION"), "utf8")).trim();
    preferred.push(`/usr/lib/postgresql/${major}/bin`);
  } catch {
    // Not initialised yet: any version will do.
  }
  const postgres = await findBinary("postgres", INSTALL_HINT, { preferred, fallback: versionDirs });
  const initdb = await findBinary("initdb", INSTALL_HINT, {
    preferred: [dirname(await realpath(postgres))],
    fallback: versionDirs,
  });
  return { initdb, postgres };
}

async function initCluster(
  initdb: string,
  data: string,
  cwd: string,
  logFile: string,
  runAs: RunAs | undefined,
  log: (line: string) => void,
): Promise<void> {
  // A folder without PG_VERSION is what a failed initdb leaves; initdb wants it gone.
  await rm(data, { recursive: true, force: true });
  log(`postgres: initialising a cluster in ${data}`);
  const child = spawnManaged({
    name: "initdb",
    command: initdb,
    args: [
      "-D",
      data,
      "-A",
      "trust",
      "-U",
      BOOTSTRAP_USER,
      "-E",
      "UTF8",
      "--locale=C",
      "--no-sync",
    ],
    cwd,
    logFile,
    ...(runAs === undefined ? {} : { user: runAs }),
  });
  const code = await child.exited;
  if (code !== 0) {
    const last = await lastLogLine(logFile);
    throw new ServiceStartError(
      "postgres",
      `initdb failed with exit code ${code} (see ${logFile})${last === undefined ? "" : `: ${last}`}`,
      logFile,
    );
  }
}

/**
 * The `postgres` user must be able to traverse every folder above its data. The hub's own
 * data folder is opened for traversal (not reading); any other blocking folder is reported.
 */
async function ensureReachable(
  from: string,
  ownDir: string,
  runAs: RunAs,
  log: (line: string) => void,
): Promise<void> {
  for (let dir = from; ; dir = dirname(dir)) {
    const info = await stat(dir);
    const traversable =
      (info.mode & 0o001) !== 0 ||
      (info.gid === runAs.gid && (info.mode & 0o010) !== 0) ||
      (info.uid === runAs.uid && (info.mode & 0o100) !== 0);
    if (!traversable) {
      if (dir !== ownDir) {
        throw new ServiceStartError(
          "postgres",
          `the postgres user cannot reach ${dir}: allow it (chmod o+x ${dir}) or choose a data folder elsewhere`,
        );
      }
      log(`postgres: allowing the postgres user to traverse ${dir}`);
      await chmod(dir, (info.mode & 0o7777) | 0o001);
    }
    if (dirname(dir) === dir) return;
  }
}

/** Creates the role and database named in `configuredUrl` when the new cluster lacks them. */
async function ensureUserAndDatabase(
  adminUrl: string,
  configuredUrl: string,
  log: (line: string) => void,
): Promise<void> {
  const configured = new URL(configuredUrl);
  const user = decodeURIComponent(configured.username) || BOOTSTRAP_USER;
  const database = decodeURIComponent(configured.pathname.slice(1)) || user;
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  client.on("error", () => {});
  await client.connect();
  try {
    const role = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [user]);
    if (role.rowCount === 0) {
      log(`postgres: creating role ${user}`);
      await client.query(`CREATE ROLE ${client.escapeIdentifier(user)} LOGIN SUPERUSER`);
    }
    const db = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (db.rowCount === 0) {
      log(`postgres: creating database ${database}`);
      await client.query(
        `CREATE DATABASE ${client.escapeIdentifier(database)} OWNER ${client.escapeIdentifier(user)}`,
      );
    }
  } finally {
    await client.end();
  }
}
