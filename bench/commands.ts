/**
 * Command round trip: HTTP POST → dispatcher → device handler → completed visible over HTTP,
 * for many commands spread over many SDK devices, against the real services.
 *
 *   node --import tsx bench/commands.ts [--commands 1000] [--devices 100] [--concurrency 20] [--out dir]
 *
 * Runs a hub of its own in this process (an isolated namespace and database, the projectors
 * at their defaults, the API with the write routes, one dispatcher) and the devices, all
 * removed at the end. Each client issues a command, then long-polls
 * `GET /commands/:id?wait=30` until it is completed; the time between is one round trip.
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { startDispatchTestHub } from "@uaip/dispatcher/testing";
import { writeResults } from "./lib/results.ts";
import { rate, round, summarize } from "./lib/stats.ts";

export interface CommandsBenchOptions {
  readonly commands: number;
  readonly devices: number;
  /** Clients issuing commands at once (each waits for its command to complete). */
  readonly concurrency: number;
  readonly resultsDir?: string;
  readonly print?: boolean;
}

export const columns = [
  "commands",
  "devices",
  "concurrency",
  "p50 ms",
  "p99 ms",
  "mean ms",
  "max ms",
  "commands/s",
];

export interface CommandsBenchReport {
  readonly samplesMs: number[];
  readonly completed: number;
}

export async function main(opts: CommandsBenchOptions): Promise<CommandsBenchReport> {
  // The projectors' batch wait at the hub's default (PROJECTOR_BATCH_WAIT_MS=20).
  const h = await startDispatchTestHub({ batchWaitMs: 20 });
  try {
    await h.startDispatcher({ leaseMs: 10_000, requestTimeoutMs: 5_000 });
    for (let i = 0; i < opts.devices; i++) {
      const id = `bench-${i}`;
      await h.register(id, ["ping"]);
      await h.device(id, { ping: (params) => ({ pong: params.n }) });
    }
    const samples: number[] = [];
    const postMs: number[] = [];
    const outcomeMs: number[] = [];
    const startedAt = new Map<string, bigint>();
    // When each command's completed event goes by on NATS: the dispatcher's part ends there.
    // The dispatcher's completed is on the hub's subject; the device's safety-net copy,
    // later, on its own.
    const outcomes = h.t.nc.subscribe(h.t.subjects.command("*", "*", "completed", "hub"), {
      callback: (_err, msg) => {
        const id = msg.subject.split(".")[3]!;
        const began = startedAt.get(id);
        if (began) outcomeMs.push(Number(process.hrtime.bigint() - began) / 1e6);
        startedAt.delete(id); // the device's safety-net copy of the outcome comes by later
      },
    });
    let completed = 0;
    let next = 0;
    const client = async () => {
      for (let n = next++; n < opts.commands; n = next++) {
        const started = process.hrtime.bigint();
        const issued = await h.http("POST", `/api/v1/devices/bench-${n % opts.devices}/commands`, {
          name: "ping",
          params: { n },
        });
        if (issued.status !== 202)
          throw new Error(`POST: ${issued.status} ${JSON.stringify(issued.body)}`);
        postMs.push(Number(process.hrtime.bigint() - started) / 1e6);
        startedAt.set(issued.body.commandId, started);
        const got = await h.http("GET", `/api/v1/commands/${issued.body.commandId}?wait=30`);
        samples.push(Number(process.hrtime.bigint() - started) / 1e6);
        if (got.body.state === "completed") completed++;
      }
    };
    const began = process.hrtime.bigint();
    await Promise.all(Array.from({ length: opts.concurrency }, client));
    const totalMs = Number(process.hrtime.bigint() - began) / 1e6;
    outcomes.unsubscribe();
    const s = summarize(samples);
    const post = summarize(postMs);
    const outcome = summarize(outcomeMs);
    await writeResults(
      "commands",
      {
        title: "Command round trip: POST → device handler → completed visible over HTTP",
        columns,
        rows: [
          [
            opts.commands,
            opts.devices,
            opts.concurrency,
            round(s.p50),
            round(s.p99),
            round(s.mean),
            round(s.max),
            Math.round(rate(opts.commands, totalMs)),
          ],
        ],
        meta: {
          completed,
          "POST answered p50/p99 ms": [round(post.p50), round(post.p99)],
          "outcome on NATS p50/p99 ms": [round(outcome.p50), round(outcome.p99)],
          projectorBatchWaitMs: 20,
          handler: "returns at once (the round trip is the hub's, not the device's work)",
          path: "POST appends command.issued; dispatcher tails it, checks for a cancel, requests the device's inbox, appends delivered+acknowledged+completed; projector applies; GET long-poll wakes on the completed event and reads the read model",
        },
      },
      { ...(opts.resultsDir ? { dir: opts.resultsDir } : {}), print: opts.print ?? true },
    );
    return { samplesMs: samples, completed };
  } finally {
    await h.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({
    options: {
      commands: { type: "string", default: "1000" },
      devices: { type: "string", default: "100" },
      concurrency: { type: "string", default: "20" },
      out: { type: "string" },
    },
  });
  const positive = (name: string, raw: string) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) {
      process.stderr.write(
        `bench/commands: --${name}: must be a whole number above 0 (got "${raw}")\n`,
      );
      process.exit(2);
    }
    return n;
  };
  await main({
    commands: positive("commands", values.commands),
    devices: positive("devices", values.devices),
    concurrency: positive("concurrency", values.concurrency),
    ...((values.out ?? process.env.BENCH_RESULTS_DIR)
      ? { resultsDir: values.out ?? process.env.BENCH_RESULTS_DIR }
      : {}),
  });
  process.exit(0);
}
