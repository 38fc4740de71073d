import { connectDevice, type DeviceClient } from "@uaip/device-sdk";
import { startTracing, type Tracing } from "@uaip/telemetry";
import {
  type OtlpReceiver,
  type ReceivedSpan,
  renderTrace,
  startOtlpReceiver,
} from "@uaip/telemetry/testing";
import { createTestHub, type TestHub, waitFor } from "@uaip/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningHub, startHub } from "./start-hub.ts";

// The hub and a device in this process, tracing to a collector inside the test: what the
// real exporter sends is decoded and the spans of one request are followed by id.
let t: TestHub;
let receiver: OtlpReceiver;
let tracing: Tracing;
let hub: RunningHub;
let device: DeviceClient | undefined;

beforeAll(async () => {
  t = await createTestHub();
  receiver = await startOtlpReceiver();
  tracing = startTracing(
    { endpoint: receiver.endpoint, sampler: "parentbased_always_on", samplerRatio: 1 },
    t.logger,
    { defaultServiceName: "uaip-hub" },
  );
  hub = await startHub({ ...t.config, http: { host: "127.0.0.1", port: 0 } }, t.logger);
});

afterAll(async () => {
  await device?.close();
  await hub?.stop();
  await tracing?.[Symbol.asyncDispose]();
  await receiver?.[Symbol.asyncDispose]();
  await t?.close();
});

const post = (path: string, body: unknown) =>
  fetch(`${hub.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

const byId = (id: string | undefined) => receiver.spans.find((s) => s.spanId === id);
const parentOf = (s: ReceivedSpan) => byId(s.parentSpanId);

/** The spans received so far that satisfy `pick`, once there is at least one. */
async function spansWhere(what: string, pick: (s: ReceivedSpan) => boolean) {
  return waitFor(
    async () => {
      await tracing.flush();
      const found = receiver.spans.filter(pick);
      return found.length > 0 ? found : undefined;
    },
    20_000,
    what,
  );
}

/** The projector batch spans linked to `span`, and the SQL under them. */
async function batchesLinkedTo(span: ReceivedSpan, projection: string) {
  const batches = await spansWhere(
    `projector batch ${projection} linked to ${span.name}`,
    (s) =>
      s.name === `projector batch ${projection}` &&
      s.links.some((l) => l.traceId === span.traceId && l.spanId === span.spanId),
  );
  const sql = await spansWhere(
    `SQL under the ${projection} batch`,
    (s) => s.name.startsWith("pg ") && s.traceId === batches[0]!.traceId,
  );
  return { batch: batches[0]!, sql };
}

describe("traces", () => {
  it("trace - POST /api/v1/devices → append → projector batch (a link) → SQL", async () => {
    const res = await post("/api/v1/devices", {
      id: "traced-1",
      name: "Traced lamp",
      type: "smart-bulb",
      capabilities: ["set_power"],
    });
    expect(res.status).toBe(201);
    const [http] = await spansWhere(
      "the request's span",
      (s) => s.name === "HTTP POST /api/v1/devices",
    );
    expect(http!.attributes).toMatchObject({
      "http.response.status_code": 201,
      "http.route": "/api/v1/devices",
    });
    const [append] = await spansWhere(
      "the append",
      (s) => s.traceId === http!.traceId && s.name.startsWith("append "),
    );
    expect(append!.name).toBe(`append ${t.namespace}.device.*.registered.operator`);
    expect(parentOf(append!)?.spanId).toBe(http!.spanId);
    const { batch, sql } = await batchesLinkedTo(append!, "devices");
    expect(sql.map((s) => s.name)).toContain("pg transaction");
    const statements = sql.filter((s) => s.name === "pg query");
    expect(statements.length).toBeGreaterThan(0);
    for (const q of statements)
      expect(String(q.attributes["db.statement"])).not.toContain("Traced lamp");
    console.log(
      `trace ${http!.traceId}:\n${renderTrace(receiver.spans, http!.traceId)}\n` +
        `linked from trace ${batch.traceId}:\n${renderTrace(receiver.spans, batch.traceId)}`,
    );
  });

  it("trace - a command: HTTP → dispatcher delivery → device SDK handling → outcome event → projector batch (a link)", async () => {
    const res = await post("/api/v1/devices", {
      id: "traced-2",
      name: "Traced switch",
      type: "smart-plug",
      capabilities: ["set_power"],
    });
    expect(res.status).toBe(201);
    device = await connectDevice({
      servers: t.config.nats.servers,
      namespace: t.namespace,
      deviceId: "traced-2",
      heartbeatMs: 0,
      outcomeSafetyMs: 50,
    });
    device.onCommand("set_power", (p) => ({ on: p.on }));
    const issued = await waitFor(
      async () => {
        const r = await post("/api/v1/devices/traced-2/commands", {
          name: "set_power",
          params: { on: true },
        });
        return r.status === 202 ? r : undefined;
      },
      20_000,
      "the command accepted",
    );
    expect(issued.status).toBe(202);
    const [http] = await spansWhere(
      "the request's span",
      (s) => s.name === "HTTP POST /api/v1/devices/:id/commands",
    );
    const inTrace = (name: string) => (s: ReceivedSpan) =>
      s.traceId === http!.traceId && s.name === name;
    const [append] = await spansWhere(
      "the issued append",
      inTrace(`append ${t.namespace}.command.*.*.issued.operator`),
    );
    expect(parentOf(append!)?.spanId).toBe(http!.spanId);
    const [dispatch] = await spansWhere("the delivery", inTrace("dispatch command"));
    expect(parentOf(dispatch!)?.spanId).toBe(append!.spanId);
    expect(dispatch!.attributes).toMatchObject({
      "uaip.command.name": "set_power",
      "uaip.delivery.result": "completed",
    });
    const [handled] = await spansWhere(
      "the device's handling",
      inTrace("handle command set_power"),
    );
    expect(parentOf(handled!)?.spanId).toBe(dispatch!.spanId);
    const [outcome] = await spansWhere(
      "the device's outcome event",
      inTrace(`append ${t.namespace}.command.*.*.completed`),
    );
    expect(parentOf(outcome!)?.spanId).toBe(handled!.spanId);
    const { batch } = await batchesLinkedTo(outcome!, "commands");
    console.log(
      `trace ${http!.traceId}:\n${renderTrace(receiver.spans, http!.traceId)}\n` +
        `linked from trace ${batch.traceId}:\n${renderTrace(receiver.spans, batch.traceId)}`,
    );
  });
});
