import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { findBinary } from "./find-binary.ts";
import { launchService } from "./launch-service.ts";
import { probeNats } from "./probe.ts";
import { withHostPort } from "./service-url.ts";
import type { StartedService } from "./started-service.ts";

const INSTALL_HINT = "Debian: apt-get install -y nats-server; macOS: brew install nats-server";

/**
 * Starts `nats-server` with JetStream, storing in `<dataDir>/nats`, on a free loopback port.
 * The returned URL is `configuredUrl` with the new host and port.
 *
 * Started again with the same `dataDir` and `port` (after a crash, say), it finds its streams
 * where it left them. `config` replaces the command line with a config file (e.g. the device
 * permissions of `@uaip/credentials`), which must set the port, host and JetStream store.
 *
 * @example
 * const nats = await startNats({ dataDir: "/tmp/x", configuredUrl: "nats://127.0.0.1:4222", log });
 * await nats.process.kill(); // kill -9
 * await startNats({ dataDir: "/tmp/x", configuredUrl: nats.url, port: nats.port, log }); // same store
 */
export async function startNats(opts: {
  dataDir: string;
  configuredUrl: string;
  log: (line: string) => void;
  port?: number;
  config?: (port: number, storeDir: string) => string;
}): Promise<StartedService> {
  const binary = await findBinary("nats-server", INSTALL_HINT);
  const dir = join(opts.dataDir, "nats");
  await mkdir(dir, { recursive: true });
  const config = opts.config;
  const { port, process: server } = await launchService({
    name: "nats",
    command: binary,
    args: (p) =>
      config === undefined
        ? ["-a", "127.0.0.1", "-p", String(p), "-js", "-sd", dir]
        : ["-c", join(dir, `nats-${p}.conf`)],
    cwd: dir,
    logFile: join(dir, "nats.log"),
    ready: async (p) => (await probeNats(`nats://127.0.0.1:${p}`)).answers,
    log: opts.log,
    ...(opts.port === undefined ? {} : { port: opts.port }),
    ...(config === undefined
      ? {}
      : { beforeStart: (p: number) => writeFile(join(dir, `nats-${p}.conf`), config(p, dir)) }),
  });
  return {
    name: "nats",
    url: withHostPort("NATS", opts.configuredUrl, "127.0.0.1", port),
    port,
    process: server,
  };
}
