import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";

/** An OTLP/HTTP collector in a process of its own that reads each export and drops it. */
export interface DiscardingCollector extends AsyncDisposable {
  readonly endpoint: string;
  /** Exports received and their bytes so far. */
  stats(): Promise<{ requests: number; bytes: number }>;
}

// Its own process: receiving costs the measured process nothing; sending (the exporter's
// serialization and HTTP) is what is counted.
const source = `
const http = require("node:http");
let requests = 0, bytes = 0;
const server = http.createServer((req, res) => {
  if (req.method === "GET") return res.end(JSON.stringify({ requests, bytes }));
  req.on("data", (c) => { bytes += c.length; });
  req.on("end", () => { requests++; res.writeHead(200, { "content-type": "application/json" }).end("{}"); });
});
server.listen(0, "127.0.0.1", () => process.stdout.write(String(server.address().port) + "\\n"));
`;

/**
 * Starts the collector; its endpoint goes where `OTEL_EXPORTER_OTLP_ENDPOINT` would.
 *
 * @example
 * await using collector = await startDiscardingCollector();
 */
export async function startDiscardingCollector(): Promise<DiscardingCollector> {
  const child: ChildProcess = spawn(process.execPath, ["-e", source], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [chunk] = (await once(child.stdout!, "data")) as [Buffer];
  const endpoint = `http://127.0.0.1:${Number(chunk.toString().trim())}`;
  return {
    endpoint,
    stats: async () =>
      (await (await fetch(endpoint)).json()) as { requests: number; bytes: number },
    async [Symbol.asyncDispose]() {
      child.kill();
      if (child.exitCode === null) await once(child, "exit");
    },
  };
}
