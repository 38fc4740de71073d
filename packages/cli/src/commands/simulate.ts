import { writeFile } from "node:fs/promises";
import {
  type DeviceSpec,
  defaultFleetTypes,
  defaultMishaps,
  deviceConnector,
  deviceTypes,
  type FleetProgress,
  fleetSummaryText,
  isScenarioName,
  loadTestText,
  mixedFleet,
  progressLine,
  progressWriter,
  runFleet,
  runLoadTest,
  ScenarioNames,
  scenarioDevices,
  singleDevice,
} from "@uaip/simulator";
import { Command } from "commander";
import { openNats } from "../connections.ts";
import { type CliContext, cliContext, run, shutdownSignal, UsageError } from "../context.ts";
import {
  apiUrl,
  idToken,
  knownType,
  mishaps,
  sensorMetrics,
  typeList,
  whole,
} from "./simulate-flags.ts";

interface CommonFlags {
  duration?: string;
  interval?: string;
  seed: string;
  faultsPerHour: string;
  outagesPerHour: string;
  connections?: string;
  json?: string | boolean;
  progress: boolean;
  metrics?: string;
}

/**
 * `uaip simulate single|multi|scenario|load-test`: simulated devices, each a real device
 * client of the SDK, against the hub the environment points at (NATS_URL, UAIP_NAMESPACE…).
 */
export function simulateCommand(): Command {
  const cmd = new Command("simulate")
    .description(
      "Simulated devices (each a real NATS client through the device SDK): one, a mixed fleet, a scenario, or a load test",
    )
    .addHelpText(
      "after",
      `
Device types: ${Object.keys(deviceTypes).join(", ")}.
Devices register, report status and telemetry (seeded random walks with daily cycles),
answer commands by changing their state, and now and then report a fault or drop off the
network and come back (--faults-per-hour, --outages-per-hour). A progress line goes to
stderr; the summary to stdout (--json for scripts). Ctrl-C stops cleanly: every device
reports offline.`,
    );

  common(
    cmd
      .command("single")
      .description("One device")
      .requiredOption("--type <type>", "device type")
      .requiredOption("--name <name>", "its name (its id too, unless --id)")
      .option("--id <id>", "device id"),
  ).action((o: CommonFlags & { type: string; name: string; id?: string }) =>
    run(() => simulate(o, [singleDevice(knownType(o.type), o.name, o.id)])),
  );

  common(
    cmd
      .command("multi")
      .description("A mixed fleet: --count devices cycling through --types")
      .option(
        "--types <list>",
        "comma-separated device types",
        defaultFleetTypes.slice(0, 3).join(","),
      )
      .option("--count <n>", "how many devices", "10")
      .option("--prefix <prefix>", "device ids are <prefix>-<type>-<n>", "sim"),
  ).action((o: CommonFlags & { types: string; count: string; prefix: string }) =>
    run(() => {
      const types = typeList(o.types);
      const count = whole("--count", o.count, 1, 100_000);
      return simulate(o, mixedFleet(types, count, idToken("--prefix", o.prefix)));
    }),
  );

  common(
    cmd
      .command("scenario")
      .description(
        "A ready-made fleet: home (6 devices), industrial (15), smart-city (30), healthcare (30)",
      )
      .requiredOption("--name <name>", ScenarioNames.join(" | ")),
  ).action((o: CommonFlags & { name: string }) =>
    run(() => {
      if (!isScenarioName(o.name))
        throw new UsageError(
          `--name: must be one of ${ScenarioNames.join(", ")} (got "${o.name}")`,
        );
      return simulate(o, scenarioDevices(o.name));
    }),
  );

  common(
    cmd
      .command("load-test")
      .description(
        "Many devices at a target rate: achieved events/s, publish and end-to-end latency, errors, projection lag",
      )
      .option("--devices <n>", "simulated devices", "1000")
      .option("--rate <n>", "events per second across the fleet", "10000")
      .option("--types <list>", "device types, cycled", defaultFleetTypes.join(","))
      .option("--prefix <prefix>", "device ids are <prefix>-00001…", "load")
      .option(
        "--api <url>",
        "the hub's HTTP API, for end-to-end latency and projection lag (default: http://HOST:PORT)",
      )
      .option("--no-api", "measure neither end-to-end latency nor projection lag")
      .option("--api-key <key>", "API key with the read scope (default: $UAIP_API_KEY)")
      .option("--sample-every <ms>", "one end-to-end probe per this many ms", "100"),
    60,
  ).action(
    (
      o: CommonFlags & {
        devices: string;
        rate: string;
        types: string;
        prefix: string;
        api: string | boolean;
        apiKey?: string;
        sampleEvery: string;
      },
    ) => run(() => loadTest(o)),
  );
  return cmd;
}

function common(c: Command, defaultDuration = 0): Command {
  return c
    .option(
      "--duration <seconds>",
      `how long to run once every device is up (0: until Ctrl-C)`,
      String(defaultDuration),
    )
    .option("--interval <ms>", "report interval of every device (default: each type's own, 2-15 s)")
    .option("--seed <n>", "seed of all randomness: the same seed replays the same data", "1")
    .option(
      "--faults-per-hour <n>",
      "faults per device and hour",
      String(defaultMishaps.faultsPerHour),
    )
    .option(
      "--outages-per-hour <n>",
      "outages per device and hour",
      String(defaultMishaps.outagesPerHour),
    )
    .option(
      "--connections <n>",
      "NATS connections the devices share (default: one per device up to 100 devices)",
    )
    .option("--metrics <list>", "metrics of `sensor` devices, name:min:max,… (e.g. co2:400:1500)")
    .option("--json [file]", "write the summary as JSON (to stdout, or to the file)")
    .option("--no-progress", "no progress line on stderr");
}

async function simulate(o: CommonFlags, specs: DeviceSpec[]): Promise<number> {
  const ctx = cliContext();
  const metrics = sensorMetrics(o.metrics);
  const devices = metrics ? specs.map((d) => (d.type === "sensor" ? { ...d, metrics } : d)) : specs;
  const durationS = whole("--duration", o.duration ?? "0", 0, 31_536_000);
  await natsAnswers(ctx);
  const stop = stopOnSignal();
  const progress = o.progress ? progressWriter() : undefined;
  const connections = o.connections ? whole("--connections", o.connections, 1, 10_000) : undefined;
  const summary = await runFleet({
    devices,
    connector: deviceConnector(connectOptions(ctx), {
      devices: devices.length,
      ...(connections !== undefined ? { connections } : {}),
    }),
    seed: whole("--seed", o.seed, 0, 2 ** 32 - 1),
    durationMs: durationS * 1000,
    ...(o.interval ? { intervalMs: whole("--interval", o.interval, 50, 86_400_000) } : {}),
    mishaps: mishaps(o),
    signal: stop.signal,
    ...(progress ? { onProgress: (p: FleetProgress) => progress.update(progressLine(p)) } : {}),
  }).finally(() => progress?.done());
  await output(o.json, summary, () => fleetSummaryText(summary));
  return 0;
}

async function loadTest(
  o: CommonFlags & {
    devices: string;
    rate: string;
    types: string;
    prefix: string;
    api: string | boolean;
    apiKey?: string;
    sampleEvery: string;
  },
): Promise<number> {
  const ctx = cliContext();
  const devices = whole("--devices", o.devices, 1, 100_000);
  const rate = whole("--rate", o.rate, 1, 1_000_000);
  const durationS = whole("--duration", o.duration ?? "60", 1, 86_400);
  if (o.interval)
    throw new UsageError("--interval: not for load-test (the interval is --devices ÷ --rate)");
  const key = o.apiKey ?? process.env.UAIP_API_KEY;
  const api =
    o.api === false
      ? undefined
      : {
          url: typeof o.api === "string" ? apiUrl(o.api) : defaultApi(ctx),
          ...(key ? { key } : {}),
        };
  await natsAnswers(ctx);
  const stop = stopOnSignal();
  const progress = o.progress ? progressWriter() : undefined;
  const report = await runLoadTest({
    connect: connectOptions(ctx),
    devices,
    rate,
    durationMs: durationS * 1000,
    types: typeList(o.types),
    prefix: idToken("--prefix", o.prefix),
    seed: whole("--seed", o.seed, 0, 2 ** 32 - 1),
    ...(o.connections ? { connections: whole("--connections", o.connections, 1, 10_000) } : {}),
    mishaps: mishaps(o),
    ...(api ? { api } : {}),
    sampleEveryMs: whole("--sample-every", o.sampleEvery, 10, 60_000),
    signal: stop.signal,
    ...(progress
      ? { onProgress: (p: FleetProgress) => progress.update(progressLine(p, rate)) }
      : {}),
  }).finally(() => progress?.done());
  await output(o.json, report, () => loadTestText(report));
  return 0;
}

/**
 * Fails with NATS and its URL named when NATS does not answer: the simulated devices would
 * each count a connect error and the run would "succeed" with nothing sent.
 */
async function natsAnswers(ctx: CliContext): Promise<void> {
  const nc = await openNats(ctx.config, "uaip-simulate-check");
  await nc.close();
}

function connectOptions(ctx: CliContext) {
  const { servers, user, pass } = ctx.config.nats;
  return {
    servers,
    namespace: ctx.config.namespace,
    ...(user ? { credentials: { user, pass: pass ?? "" } } : {}),
  };
}

function defaultApi(ctx: CliContext): string {
  const host = ["0.0.0.0", "::"].includes(ctx.config.http.host)
    ? "127.0.0.1"
    : ctx.config.http.host;
  return `http://${host.includes(":") ? `[${host}]` : host}:${ctx.config.http.port}`;
}

/** Aborts on the first SIGINT or SIGTERM, so the run ends cleanly (devices report offline). */
function stopOnSignal(): AbortController {
  const stop = new AbortController();
  void shutdownSignal().then(() => stop.abort());
  return stop;
}

async function output(json: string | boolean | undefined, value: unknown, text: () => string) {
  if (typeof json === "string") {
    await writeFile(json, `${JSON.stringify(value, null, 2)}\n`);
    console.log(text());
    console.log(`summary written to ${json}`);
  } else if (json) console.log(JSON.stringify(value, null, 2));
  else console.log(text());
}
