import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestHub, publishAll, sampleEvents, type TestHub } from "@uaip/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csvColumns } from "./csv-format.ts";
import type { ReplayRecord } from "./replay-record.ts";
import { runCli } from "./testing/run-cli.ts";

let t: TestHub;
let dir: string;

beforeAll(async () => {
  t = await createTestHub();
  dir = await mkdtemp(join(tmpdir(), "uaip-replay-cli-"));
  await publishAll(sampleEvents("c", 8, 400), (e) => t.publish(e));
  await t.publishRaw(t.subjects.device("c-2", "status"), 'not, "json"\nat all');
});
afterAll(async () => {
  await t?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  return rows;
}

describe("replay CLI", () => {
  it("replay CLI - NDJSON on stdout and CSV in a file parse back to the same events", async () => {
    const ndjson = await runCli(["replay", "--device", "c-2"], t.env);
    expect(ndjson.code).toBe(0);
    const records = ndjson.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as ReplayRecord);
    expect(records.length).toBeGreaterThan(20);
    expect(records.at(-1)).toMatchObject({
      rejected: { reason: "malformed_json" },
      body: 'not, "json"\nat all',
    });

    const file = join(dir, "c2.csv");
    const csv = await runCli(
      ["replay", "--device", "c-2", "--format", "csv", "--out", file],
      t.env,
    );
    expect(csv.code).toBe(0);
    expect(csv.stderr).toContain(`wrote ${records.length} events`);
    const [header, ...rows] = parseCsv(await readFile(file, "utf8"));
    expect(header).toEqual([...csvColumns]);
    const col = (name: (typeof csvColumns)[number]) => csvColumns.indexOf(name);
    expect(rows.map((r) => Number(r[col("seq")]))).toEqual(records.map((r) => r.seq));
    expect(rows.map((r) => r[col("id")])).toEqual(records.map((r) => r.event?.id ?? ""));
    expect(rows.map((r) => r[col("type")])).toEqual(records.map((r) => r.event?.type ?? ""));
    expect(rows.map((r) => r[col("stored_at")])).toEqual(records.map((r) => r.storedAt));
    for (const [i, r] of rows.entries()) {
      const rec = records[i]!;
      if (rec.event) expect(JSON.parse(r[col("data")]!)).toEqual(rec.event.data);
      else expect(r[col("body")]).toBe(rec.body);
    }
  });

  it("replay CLI - a range backwards, a sequence past the end, an unknown stream: one line, exit 2", async () => {
    const cases: [string[], RegExp][] = [
      [["--since", "1h", "--until", "2h"], /^uaip: --until: .* is before --since .*\n$/],
      [
        ["--stream", "devices", "--from-seq", "999999"],
        /^uaip: --from-seq: 999999 is past the end of the stream \(last sequence \d+\)\n$/,
      ],
      [
        ["--stream", "orders"],
        /^uaip: --stream: unknown stream "orders": one of devices, telemetry, commands, deadletter/,
      ],
      [["--since", "last tuesday"], /^uaip: --since: must be "now", an ISO 8601 time/],
      [["--limit", "0"], /^uaip: --limit: must be a whole number ≥ 1 \(got "0"\)\n$/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(["replay", ...args], t.env);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(message);
      expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(r.stdout).toBe("");
    }
  });
});
