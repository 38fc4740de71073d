import { mkdir } from "node:fs/promises";
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
 */
export async function startNats(opts: {
  dataDir: string;
  configuredUrl: string;
  log: (line: string) => void;
}): Promise<StartedService> {
  const binary = await findBinary("nats-server", INSTALL_HINT);
  const dir = join(opts.dataDir, "nats");
  await mkdir(dir, { recursive: true });
  const { port, process: server } = await launchService({
    name: "nats",
    command: binary,
    args: (p) => ["-a", "127.0.0.1", "-p", String(p), "-js", "-sd", dir],
    cwd: dir,
    logFile: join(dir, "nats.log"),
    ready: async (p) => (await probeNats(`nats://127.0.0.1:${p}`)).answers,
    log: opts.log,
  });
  return {
    name: "nats",
    url: withHostPort("NATS", opts.configuredUrl, "127.0.0.1", port),
    process: server,
  };
}
