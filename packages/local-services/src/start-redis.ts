import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { findBinary } from "./find-binary.ts";
import { launchService } from "./launch-service.ts";
import { probeRedis } from "./probe.ts";
import { withHostPort } from "./service-url.ts";
import type { StartedService } from "./started-service.ts";

const INSTALL_HINT = "Debian: apt-get install -y redis-server; macOS: brew install redis";

/**
 * Starts `redis-server` without persistence (Redis holds only derived data, rebuilt from the
 * log) in `<dataDir>/redis`, on a free loopback port. Started again on the same `port`, it
 * comes back empty, as a Redis without persistence does after a restart.
 */
export async function startRedis(opts: {
  dataDir: string;
  configuredUrl: string;
  log: (line: string) => void;
  /** Listen here instead of on a free port (a restart where clients expect it). */
  port?: number;
}): Promise<StartedService> {
  const binary = await findBinary("redis-server", INSTALL_HINT);
  const dir = join(opts.dataDir, "redis");
  await mkdir(dir, { recursive: true });
  const { port, process: server } = await launchService({
    name: "redis",
    command: binary,
    args: (p) => [
      "--port",
      String(p),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
    ],
    cwd: dir,
    logFile: join(dir, "redis.log"),
    ready: async (p) => (await probeRedis(`redis://127.0.0.1:${p}`)).answers,
    log: opts.log,
    ...(opts.port === undefined ? {} : { port: opts.port }),
  });
  return {
    name: "redis",
    url: withHostPort("Redis", opts.configuredUrl, "127.0.0.1", port),
    port,
    process: server,
  };
}
