import { type HubPart, hubParts, startHub } from "@uaip/hub";
import { startTracing } from "@uaip/telemetry";
import { Command, Option } from "commander";
import { checkHubServices } from "../connections.ts";
import { cliContext, LoggedError, run, shutdownSignal, UsageError } from "../context.ts";

export function parseParts(value: string | undefined): HubPart[] {
  if (!value) return [...hubParts];
  const parts = value.split(",").map((s) => s.trim());
  for (const p of parts) {
    if (!(hubParts as readonly string[]).includes(p)) {
      throw new UsageError(`--only: "${p}" is not one of ${hubParts.join(", ")}`);
    }
  }
  return parts as HubPart[];
}

export function startCommand(): Command {
  return new Command("start")
    .description(
      "Run the hub: HTTP API, projectors and dispatcher in one process (or some of them with --only)",
    )
    .addOption(new Option("--only <parts>", `comma-separated parts to run: ${hubParts.join(", ")}`))
    .addHelpText(
      "after",
      `
Applies streams and migrations first (idempotent), then runs until SIGINT/SIGTERM, when it
finishes the batch in hand and exits. Configuration comes from the environment; see the
README's table (NATS_URL, DATABASE_URL, REDIS_URL, PORT, UAIP_NAMESPACE, …). With
OTEL_EXPORTER_OTLP_ENDPOINT set it sends its traces there (OTLP/HTTP), sampled as
OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG say.

Examples:
  uaip start
  uaip start --only projectors
  PORT=9000 uaip start --only api
  OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 OTEL_TRACES_SAMPLER_ARG=0.1 uaip start`,
    )
    .action((opts: { only?: string }) =>
      run(async () => {
        const parts = parseParts(opts.only);
        // A server logs to stdout, where process managers and `docker logs` look for it.
        const { config, logger } = cliContext({}, "stdout");
        await checkHubServices(config);
        await using _tracing = startTracing(config.tracing, logger, {
          defaultServiceName: "uaip-hub",
        });
        const hub = await startHub(config, logger, parts).catch((err: unknown) => {
          // Logged once, as JSON with its cause chain, where the hub's other lines go.
          logger.fatal({ err }, "hub failed to start");
          throw new LoggedError(err);
        });
        logger.info({ url: hub.url, parts, namespace: config.namespace }, "hub started");
        const signal = await shutdownSignal();
        logger.info({ signal }, "stopping");
        await hub.stop();
      }),
    );
}
