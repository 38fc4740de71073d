import { cp, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AckPolicy } from "@nats-io/jetstream";
import { StreamKinds, streamName } from "@uaip/events";
import { migrateDown } from "@uaip/migrations";
import { projections } from "@uaip/projections";
import { Projector, postgresTarget, type ShadowDeps, verifyProjection } from "@uaip/projector";
import { createTestHub, publishAll, sampleEvents, type TestHub } from "@uaip/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MANIFEST_FILE, type Manifest } from "./backup-manifest.ts";
import { runCli } from "./testing/run-cli.ts";

let t: TestHub;
let dir: string;

async function catchUp(): Promise<void> {
  for (const projection of projections) {
    const stream = streamName(t.namespace, projection.stream);
    const last = (await t.jsm.streams.info(stream)).state.last_seq;
    await Projector.start({
      target: postgresTarget(t.db, projection),
      namespace: t.namespace,
      js: t.js,
      jsm: t.jsm,
      logger: t.logger,
      batchSize: 500,
      batchWaitMs: 20,
      mode: "shadow",
      stopAt: last,
    }).done();
  }
}

/** Messages and last sequence of every stream, the devices table and the checkpoints. */
async function hubState() {
  const streams: Record<string, { messages: number; lastSeq: number } | "absent"> = {};
  for (const kind of StreamKinds) {
    const name = streamName(t.namespace, kind);
    const info = await t.jsm.streams.info(name).catch(() => undefined);
    streams[name] = info
      ? { messages: info.state.messages, lastSeq: info.state.last_seq }
      : "absent";
  }
  const devices = await t.db.selectFrom("devices").selectAll().orderBy("id").execute();
  const checkpoints = await t.db
    .selectFrom("projection_checkpoints")
    .select(["name", "position"])
    .orderBy("name")
    .execute();
  return { streams, devices, checkpoints };
}

async function backup(): Promise<{ path: string; manifest: Manifest }> {
  const out = join(dir, "backups");
  const r = await runCli(["backup", "--out", out, "--json"], t.env);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  const { dir: path } = JSON.parse(r.stdout) as { dir: string };
  return { path, manifest: JSON.parse(await readFile(join(path, MANIFEST_FILE), "utf8")) };
}

beforeAll(async () => {
  t = await createTestHub();
  dir = await mkdtemp(join(tmpdir(), "uaip-backup-"));
  await publishAll(sampleEvents("b", 60, 6_000), (e) => t.publish(e));
  await t.publishRaw(t.subjects.device("b-1", "status"), "{not json");
  await t.jsm.consumers.add(streamName(t.namespace, "devices"), {
    durable_name: "analytics",
    ack_policy: AckPolicy.Explicit,
  });
  await catchUp();
}, 120_000);
afterAll(async () => {
  await t?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("backup and restore", () => {
  it("backup - round trip: backup, delete the streams, drop the read models, restore: zero drift and the manifest's counts", async () => {
    const { path, manifest } = await backup();
    const beforeState = await hubState();
    expect(manifest.streams.map((s) => s.name)).toEqual(
      StreamKinds.map((k) => streamName(t.namespace, k)),
    );
    for (const s of manifest.streams) {
      expect(beforeState.streams[s.name]).toEqual({ messages: s.messages, lastSeq: s.lastSeq });
    }
    expect(manifest.checkpoints.map((c) => c.name).sort()).toEqual(
      projections.map((p) => p.name).sort(),
    );

    for (const kind of StreamKinds) await t.jsm.streams.delete(streamName(t.namespace, kind));
    const down = await migrateDown(t.db, 100);
    expect(down.error).toBeUndefined();

    const r = await runCli(["restore", path, "--yes"], t.env, { timeoutMs: 300_000 });
    expect(r.stderr).toContain("then: migrate the database, rebuild every projection");
    expect(r.stdout).toContain("every stream matches the manifest, no projection drifts");
    expect(r.code).toBe(0);

    const afterState = await hubState();
    for (const s of manifest.streams) {
      expect(afterState.streams[s.name]).toEqual({ messages: s.messages, lastSeq: s.lastSeq });
    }
    expect(afterState.devices).toEqual(beforeState.devices);
    // Stream times come back as they were: replay by time still means the same.
    const devices = streamName(t.namespace, "devices");
    const first = await t.jsm.streams.getMessage(devices, { seq: 1 });
    expect(new Date(first!.timestamp).getTime()).toBe(
      new Date(manifest.streams[0]!.firstTime!).getTime(),
    );
    // The snapshot carried the durable consumer and its state.
    expect((await t.jsm.consumers.info(devices, "analytics")).name).toBe("analytics");
    const deps: ShadowDeps = {
      db: t.db,
      js: t.js,
      jsm: t.jsm,
      namespace: t.namespace,
      logger: t.logger,
      batchSize: 500,
    };
    for (const p of projections) {
      const report = await verifyProjection(deps, p);
      expect(report.drift, p.name).toBe(0);
      expect(report.position, p.name).toBe(
        manifest.streams.find((s) => s.kind === p.stream)!.lastSeq,
      );
    }
  }, 300_000);

  it("backup - a backup with a file removed or altered is refused with the reason and nothing changes", async () => {
    const { path, manifest } = await backup();
    const commands = manifest.streams.find((s) => s.kind === "commands")!.file.path;
    const devices = manifest.streams.find((s) => s.kind === "devices")!.file.path;
    const removed = join(dir, "removed");
    const altered = join(dir, "altered");
    const edited = join(dir, "edited");
    for (const copy of [removed, altered, edited]) await cp(path, copy, { recursive: true });
    await rm(join(removed, commands));
    const bytes = await readFile(join(altered, devices));
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    await writeFile(join(altered, devices), bytes);
    const m = JSON.parse(await readFile(join(edited, MANIFEST_FILE), "utf8")) as Manifest;
    m.streams[0]!.messages += 1;
    await writeFile(join(edited, MANIFEST_FILE), JSON.stringify(m, null, 2));

    const beforeState = await hubState();
    const cases: [string, RegExp][] = [
      [removed, new RegExp(`${commands} is missing`)],
      [altered, new RegExp(`${devices} is corrupt: its sha256 does not match the manifest`)],
      [edited, /manifest\.json was altered: its checksum does not match its content/],
    ];
    for (const [copy, reason] of cases) {
      const r = await runCli(["restore", copy, "--yes", "--force"], t.env);
      expect(r.code, copy).toBe(1);
      expect(r.stderr, copy).toMatch(/^uaip: restore refused, nothing was changed:\n {2}- /);
      expect(r.stderr, copy).toMatch(reason);
    }
    expect(await hubState()).toEqual(beforeState);
  }, 120_000);

  it("backup - restore refuses to overwrite existing streams without --force, and asks before it acts", async () => {
    const { path } = await backup();
    const beforeState = await hubState();
    const refused = await runCli(["restore", path, "--yes"], t.env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `stream ${streamName(t.namespace, "devices")} exists with ${(beforeState.streams[streamName(t.namespace, "devices")] as { messages: number }).messages} messages (--force deletes and replaces it)`,
    );
    const declined = await runCli(["restore", path, "--force"], t.env, { input: "n\n" });
    expect(declined.code).toBe(1);
    expect(declined.stderr).toContain("REPLACED");
    expect(declined.stderr).toMatch(
      /Restore 4 streams into namespace t[0-9a-f]+\? \[y\/N\] aborted: nothing was changed\n$/,
    );
    expect(await hubState()).toEqual(beforeState);
    const backups = await readdir(join(dir, "backups"));
    expect(backups.every((b) => !b.endsWith(".partial"))).toBe(true);
  }, 120_000);
});
