import { createEvent, streamName } from "@uaip/events";
import { type RunningHub, startHub } from "@uaip/hub";
import { freePort } from "@uaip/local-services";
import { projections, redisProjectionTarget } from "@uaip/projections";
import { createTestHub, type TestHub, waitFor } from "@uaip/testkit";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runUaip } from "../testing/run-uaip.ts";

let t: TestHub;
let hub: RunningHub;
let devicesLast: number;

interface Row {
  name: string;
  stream: string;
  checkpoint?: number;
  streamLastSeq?: number;
  pending?: number;
  rejected: number | null;
  state: string;
  error?: string;
}

beforeAll(async () => {
  t = await createTestHub();
  hub = await startHub({ ...t.config, http: { host: "127.0.0.1", port: 0 } }, t.logger, [
    "projectors",
  ]);
  await t.publish(createEvent("device.registered", "st-1", { name: "S", type: "sensor" }));
  await t.publish(createEvent("device.status_changed", "st-1", { status: "online" }));
  await t.publish(createEvent("telemetry.reported", "st-1", { metrics: { t: 1 } }));
  // Malformed: every projection of the DEVICES stream rejects it and moves on.
  await t.publishRaw(t.subjects.device("st-2", "status"), "{not json");
  devicesLast = (await t.jsm.streams.info(streamName(t.namespace, "devices"))).state.last_seq;
  const redis = redisProjectionTarget(t.redis, t.namespace, { jsm: t.jsm });
  await waitFor(async () => ((await redis.position()) ?? 0) >= devicesLast, 30_000, "redis");
  for (const p of projections) {
    const last = (await t.jsm.streams.info(streamName(t.namespace, p.stream))).state.last_seq;
    await waitFor(
      async () => {
        const row = await t.db
          .selectFrom("projection_checkpoints")
          .select("position")
          .where("name", "=", p.name)
          .executeTakeFirst();
        return (row?.position ?? 0) >= last;
      },
      30_000,
      `${p.name} at ${last}`,
    );
  }
});
afterAll(async () => {
  await hub?.stop();
  await t?.close();
});

async function rejectedIn(projection: string): Promise<number> {
  const r = await t.db
    .selectFrom("rejected_events")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("projection", "=", projection)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

describe("uaip projections status", () => {
  it("projections status - lists the Redis cache with its checkpoint, and each projection's rejected events", async () => {
    const r = await runUaip(["projections", "status", "--sample", "0", "--json"], t.env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as Row[];
    expect(rows.map((x) => x.name)).toEqual([...projections.map((p) => p.name), "redis"]);
    expect(rows.find((x) => x.name === "redis")).toMatchObject({
      stream: streamName(t.namespace, "devices"),
      checkpoint: devicesLast,
      streamLastSeq: devicesLast,
      pending: 0,
      rejected: null,
      state: "running",
    });
    expect(await rejectedIn("devices")).toBeGreaterThan(0);
    for (const p of projections)
      expect(rows.find((x) => x.name === p.name)?.rejected, p.name).toBe(await rejectedIn(p.name));

    const text = await runUaip(["projections", "status", "--sample", "0"], t.env);
    expect(text.code).toBe(0);
    const [header, ...lines] = text.stdout.trimEnd().split("\n");
    expect(header).toMatch(/^projection\s+stream\s+checkpoint\s+.*\s+rejected\s+state$/);
    const devices = await rejectedIn("devices");
    expect(lines.find((l) => l.startsWith("devices "))).toMatch(
      new RegExp(
        `^devices\\s+\\S+\\s+${devicesLast}\\s+${devicesLast}\\s+0\\s+.*\\s${devices}\\s+running`,
      ),
    );
    expect(lines.find((l) => l.startsWith("redis "))).toMatch(
      new RegExp(
        `^redis\\s+\\S+_DEVICES\\s+${devicesLast}\\s+${devicesLast}\\s+0\\s+.*\\s-\\s+running`,
      ),
    );
  });

  it("projections status - a Redis that does not answer is named with its URL; the other projections are still shown, exit 1", async () => {
    const port = await freePort();
    const r = await runUaip(["projections", "status", "--sample", "0", "--json"], {
      ...t.env,
      REDIS_URL: `redis://127.0.0.1:${port}`,
    });
    expect(r.code).toBe(1);
    const error = `Redis at redis://127.0.0.1:${port}: connection refused (is it running? \`uaip dev\` starts local services)`;
    expect(r.stderr).toBe(`uaip: ${error}\n`);
    const rows = JSON.parse(r.stdout) as Row[];
    expect(rows.find((x) => x.name === "redis")).toEqual({
      name: "redis",
      stream: streamName(t.namespace, "devices"),
      state: "unreachable",
      error,
      rejected: null,
    });
    expect(rows.find((x) => x.name === "devices")).toMatchObject({ checkpoint: devicesLast });
  });

  it("projections - logs go to stderr: stdout of verify --json is only its report, even at LOG_LEVEL=info", async () => {
    const r = await runUaip(["projections", "verify", "devices", "--json"], {
      ...t.env,
      LOG_LEVEL: "info",
    });
    expect(r.code).toBe(0);
    const reports = JSON.parse(r.stdout) as { projection: string; drift: number }[];
    expect(reports).toMatchObject([{ projection: "devices", drift: 0 }]);
    const logs = r.stderr.trim().split("\n");
    expect(logs.length).toBeGreaterThan(0);
    for (const line of logs) expect(JSON.parse(line)).toHaveProperty("level");
  });

  it("projections status - a projection whose checkpoint is past its stream's end is halted, named on stderr, exit 1", async () => {
    const { rows } = await sql<{ position: number }>`
      UPDATE projection_checkpoints SET position = position + 500, stream_id = NULL
       WHERE name = 'commands' RETURNING position`.execute(t.db);
    try {
      const r = await runUaip(["projections", "status", "--sample", "0"], t.env);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/commands\s.*halted/);
      expect(r.stderr).toContain(
        `uaip: halted: commands: checkpoint ${rows[0]?.position} is past the last sequence`,
      );
      const verify = await runUaip(["projections", "verify", "commands"], t.env);
      expect(verify.code).toBe(1);
      expect(verify.stdout).toContain("cannot compare: commands: checkpoint");
    } finally {
      await sql`UPDATE projection_checkpoints SET position = position - 500 WHERE name = 'commands'`.execute(
        t.db,
      );
    }
  });
});
