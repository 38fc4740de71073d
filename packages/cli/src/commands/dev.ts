import { resolve } from "node:path";
import { hubParts, startHub } from "@uaip/hub";
import { ensureLocalServices } from "@uaip/local-services";
import { startTracing } from "@uaip/telemetry";
import { Command, Option } from "commander";
import { cliContext, LoggedError, run, shutdownSignal } from "../context.ts";
import { otherTerminalExports } from "../dev-exports.ts";
import { parseParts } from "./start.ts";

export function devCommand(): Command {
  return new Command("dev")
    .description(
      "Run the hub for local development: starts NATS, PostgreSQL and Redis if they do not answer, API keys off",
    )
    .addOption(
      new Option("--data-dir <dir>", "where locally started services keep their data").default(
        ".uaip",
      ),
    )
    .addOption(new Option("--only <parts>", `comma-separated parts to run: ${hubParts.join(", ")}`))
    .addOption(
      new Option(
        "--trace",
        "print every span on stdout (sampling everything unless OTEL_TRACES_SAMPLER says otherwise)",
      ),
    )
    .addHelpText(
      "after",
      `
With nothing configured, uses the services at their default URLs (127.0.0.1, standard
ports). Any that does not answer is started from this machine's own binaries
(nats-server, redis-server, initdb/postgres) on a free port, with its data under
--data-dir, and stopped when the hub exits. Then streams and migrations are applied and
the hub runs in the foreground with API keys OFF (UAIP_AUTH=on keeps them). Not for production: use \`uaip start\` there.

--trace prints each span as the SDK's console exporter shows it (name, ids, parent,
attributes, duration); OTEL_EXPORTER_OTLP_ENDPOINT, if set, receives them as well.

Examples:
  uaip dev
  uaip dev --trace
  OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 uaip dev`,
    )
    .action((opts: { dataDir: string; only?: string; trace?: boolean }) =>
      run(async () => {
        const parts = parseParts(opts.only);
        const base = cliContext({}, "stdout");
        await using services = await ensureLocalServices({
          dataDir: resolve(opts.dataDir),
          natsUrl: base.config.nats.servers[0] ?? "nats://127.0.0.1:4222",
          databaseUrl: base.config.databaseUrl,
          redisUrl: base.config.redisUrl,
          log: (line) => base.logger.info(line),
        });
        const { config, logger } = cliContext(
          {
            NATS_URL: services.natsUrl,
            DATABASE_URL: services.databaseUrl,
            REDIS_URL: services.redisUrl,
            UAIP_AUTH: process.env.UAIP_AUTH || "off",
          },
          "stdout",
        );
        await using _tracing = startTracing(config.tracing, logger, {
          defaultServiceName: "uaip-hub",
          console: opts.trace ?? false,
        });
        const hub = await startHub(config, logger, parts).catch((err: unknown) => {
          logger.fatal({ err }, "hub failed to start");
          throw new LoggedError(err);
        });
        const exports = otherTerminalExports({
          NATS_URL: services.natsUrl,
          DATABASE_URL: services.databaseUrl,
          REDIS_URL: services.redisUrl,
          PORT: hub.url ? new URL(hub.url).port : String(config.http.port),
          UAIP_NAMESPACE: config.namespace,
        });
        const lines = [
          "",
          "UAIP Hub (dev) is running.",
          hub.url ? `  API        ${hub.url}/api/v1` : "",
          hub.url ? `  health     ${hub.url}/health/ready` : "",
          `  NATS       ${services.natsUrl}${services.started.includes("nats") ? " (started here)" : ""}`,
          `  PostgreSQL ${services.databaseUrl}${services.started.includes("postgres") ? " (started here)" : ""}`,
          `  Redis      ${services.redisUrl}${services.started.includes("redis") ? " (started here)" : ""}`,
          `  namespace  ${config.namespace}`,
          config.api.auth === "off"
            ? "  auth       OFF (dev): API keys are not checked; do not expose this port"
            : "  auth       on: create a key with `uaip keys create`",
          hub.url ? `  docs       ${hub.url}/docs` : "",
          exports ? `In another terminal, first: ${exports}` : "",
          "Ctrl-C stops it.",
          "",
        ];
        process.stderr.write(`${lines.filter((l) => l !== "").join("\n")}\n`);
        await shutdownSignal();
        await hub.stop();
      }),
    );
}
