import { createWriteStream } from "node:fs";
import type { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import {
  csvField,
  csvFormat,
  deviceMatcher,
  exportRecords,
  fleetAt,
  isReplayQueryError,
  ndjsonFormat,
  openReplay,
  parseTimeSpec,
  type ReplayQuery,
} from "@uaip/history";
import type { DeviceRow } from "@uaip/projections";
import { Command, Option } from "commander";
import { withConnections } from "../connections.ts";
import { cliContext, run, shutdownSignal, UsageError } from "../context.ts";
import { progressBar } from "../progress.ts";

interface ReplayFlags {
  stream?: string;
  device?: string;
  type: string[];
  fromSeq?: string;
  toSeq?: string;
  since?: string;
  until?: string;
  limit?: string;
  format: "ndjson" | "csv";
  out?: string;
  follow?: boolean;
  at?: string;
  fold?: string;
}

/** Above this many events a progress bar is shown even when stdout is the terminal. */
const LARGE = 100_000;

const collect = (value: string, previous: string[]) => [...previous, ...value.split(",")];

function wholeNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${flag}: must be a whole number ≥ 1 (got "${value}")`);
  return n;
}

function queryOf(flags: ReplayFlags): ReplayQuery {
  const now = new Date();
  const fromSeq = wholeNumber(flags.fromSeq, "--from-seq");
  const toSeq = wholeNumber(flags.toSeq, "--to-seq");
  const limit = wholeNumber(flags.limit, "--limit");
  const types = flags.type.map((t) => t.trim()).filter(Boolean);
  return {
    ...(flags.stream ? { stream: flags.stream } : {}),
    ...(flags.device ? { device: flags.device } : {}),
    ...(types.length > 0 ? { types } : {}),
    ...(fromSeq !== undefined ? { fromSeq } : {}),
    ...(toSeq !== undefined ? { toSeq } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(flags.since ? { since: parseTimeSpec(flags.since, "--since", now) } : {}),
    ...(flags.until ? { until: parseTimeSpec(flags.until, "--until", now) } : {}),
    ...(flags.follow ? { follow: true } : {}),
  };
}

/** stdout, or the file of `--out`; `close()` flushes and ends a file. */
function output(flags: ReplayFlags): { out: Writable; close(): Promise<void>; toFile: boolean } {
  if (!flags.out) return { out: process.stdout, close: async () => {}, toFile: false };
  const out = createWriteStream(flags.out);
  return {
    out,
    toFile: true,
    close: async () => {
      out.end();
      await finished(out);
    },
  };
}

async function replayEvents(flags: ReplayFlags, signal: AbortSignal): Promise<number> {
  const query = queryOf(flags);
  const ctx = cliContext();
  return withConnections(ctx, async (c) => {
    const replay = await openReplay(
      { js: c.js, jsm: c.jsm, namespace: ctx.config.namespace },
      query,
      { signal },
    );
    const target = output(flags);
    const showBar = target.toFile || !process.stdout.isTTY || replay.total >= LARGE;
    const bar = showBar ? progressBar(`replay ${replay.plan.stream}`) : undefined;
    const format = flags.format === "csv" ? csvFormat : ndjsonFormat;
    try {
      const report = await exportRecords(replay.records, target.out, format, (n) =>
        bar?.update(n, Math.max(n, replay.total)),
      );
      await target.close();
      bar?.stop();
      if (target.toFile) {
        const rate = Math.round(report.records / Math.max(report.seconds, 0.001));
        process.stderr.write(
          `wrote ${report.records} events of ${replay.plan.stream} to ${flags.out} in ${report.seconds.toFixed(1)} s (${rate} ev/s)${report.lastSeq ? `, last sequence ${report.lastSeq}` : ""}\n`,
        );
      }
      return 0;
    } finally {
      bar?.stop();
    }
  });
}

const deviceColumns: (keyof DeviceRow)[] = [
  "id",
  "name",
  "type",
  "capabilities",
  "tags",
  "location",
  "firmware",
  "metadata",
  "status",
  "statusReason",
  "statusChangedAt",
  "registeredAt",
  "lastSeenAt",
  "decommissionedAt",
  "version",
];

function deviceLine(row: DeviceRow, format: ReplayFlags["format"]): string {
  if (format === "ndjson") return JSON.stringify(row);
  return deviceColumns
    .map((k) => {
      const v = row[k];
      return csvField(
        v === null ? undefined : typeof v === "object" ? JSON.stringify(v) : (v as string | number),
      );
    })
    .join(",");
}

async function foldFleet(flags: ReplayFlags): Promise<number> {
  if ((flags.fold ?? "devices") !== "devices")
    throw new UsageError(`--fold: "${flags.fold}" is not a fold replay knows; one of devices`);
  const other = (
    [
      ["--stream", flags.stream],
      ["--type", flags.type.length > 0 ? "x" : undefined],
      ["--from-seq", flags.fromSeq],
      ["--to-seq", flags.toSeq],
      ["--since", flags.since],
      ["--until", flags.until],
      ["--limit", flags.limit],
      ["--follow", flags.follow],
    ] as const
  ).find(([, v]) => v !== undefined && v !== false);
  if (other)
    throw new UsageError(
      `${other[0]}: cannot be combined with --at (a fold reads the whole DEVICES stream)`,
    );
  const at = parseTimeSpec(flags.at ?? "now", "--at");
  const device = deviceMatcher(flags.device);
  const ctx = cliContext();
  const fleet = await withConnections(ctx, (c) => {
    const bar = progressBar("fold devices");
    return fleetAt({ js: c.js, jsm: c.jsm, namespace: ctx.config.namespace }, at, {
      field: "--at",
      onBatch: (position, last) => bar.update(position, last),
    }).finally(() => bar.stop());
  });
  const wanted = fleet.devices.filter(
    (d) =>
      (device.subjectToken === "*" || d.id === device.subjectToken) &&
      (device.test?.(d.id) ?? true),
  );
  const target = output(flags);
  const lines = wanted.map((d) => `${deviceLine(d, flags.format)}\n`);
  if (flags.format === "csv") lines.unshift(`${deviceColumns.join(",")}\n`);
  await exportText(lines, target.out);
  await target.close();
  process.stderr.write(
    `${wanted.length} devices as of ${at.toISOString()} (DEVICES stream up to sequence ${fleet.position}, ${fleet.events} events folded)\n`,
  );
  return 0;
}

async function exportText(lines: readonly string[], out: Writable): Promise<void> {
  for (const line of lines) {
    if (!out.write(line)) await new Promise((resolve) => out.once("drain", resolve));
  }
}

/**
 * `uaip replay`: export the log (filtered, NDJSON or CSV, to stdout or a file, optionally
 * following live events), or with `--at` the whole fleet as it stood at an instant.
 */
export function replayCommand(): Command {
  return new Command("replay")
    .description(
      "Export events from the log (filter by stream, device, type, sequence, time) as NDJSON or CSV, or the fleet at an instant (--at)",
    )
    .option(
      "--stream <stream>",
      "devices, telemetry, commands or deadletter (default: from --type, else devices)",
    )
    .option("--device <id>", "one device id, or a glob such as 'thermo-*'")
    .addOption(
      new Option(
        "--type <type>",
        "event type(s), comma-separated or repeated, e.g. device.status_changed",
      )
        .argParser(collect)
        .default([], "every type"),
    )
    .option("--from-seq <n>", "first stream sequence (inclusive)")
    .option("--to-seq <n>", "last stream sequence (inclusive)")
    .option("--since <time>", "stored at or after: ISO time or a duration back from now (6h, 7d)")
    .option("--until <time>", "stored at or before: ISO time or a duration back from now")
    .option("--limit <n>", "at most this many events")
    .addOption(
      new Option("--format <format>", "output format").choices(["ndjson", "csv"]).default("ndjson"),
    )
    .option("--out <file>", "write to this file instead of stdout (a progress bar shows on stderr)")
    .option("--follow", "after the end, keep writing live events until Ctrl-C")
    .option(
      "--at <time>",
      "fold the DEVICES stream up to this instant (now, ISO time or 6h) and print every device",
    )
    .option("--fold <name>", "what --at folds: devices (the default)")
    .addHelpText(
      "after",
      `
Records are one per line: {"stream","seq","subject","storedAt","event":{…}}; a message that
does not decode comes with "rejected" and its "body" instead of "event". CSV has a header row
and puts data and dead-letter details in JSON columns. Times are stream (stored) times.

Examples:
  uaip replay --device 'thermo-*' --type device.status_changed --since 6h
  uaip replay --stream telemetry --from-seq 1000 --to-seq 2000 --format csv --out t.csv
  uaip replay --stream commands --follow
  uaip replay --at 2026-11-21T10:00:00Z --fold devices      # the fleet as it stood then
  uaip replay --at now --fold devices                       # equals the devices table

Errors (a range backwards, a sequence past the end, an unknown stream or type) are one
line on stderr with exit code 2.`,
    )
    .action((flags: ReplayFlags) =>
      run(async () => {
        const ac = new AbortController();
        if (flags.follow) void shutdownSignal().then(() => ac.abort());
        // `uaip replay | head` closes the pipe: stop reading, not an error.
        process.stdout.on("error", (err: NodeJS.ErrnoException) => {
          if (err.code === "EPIPE") ac.abort();
        });
        try {
          return flags.at !== undefined || flags.fold !== undefined
            ? await foldFleet(flags)
            : await replayEvents(flags, ac.signal);
        } catch (err) {
          if (isReplayQueryError(err)) throw new UsageError(err.message);
          if ((err as NodeJS.ErrnoException).code === "EPIPE") return 0;
          throw err;
        }
      }),
    );
}
