import { jetstream } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { createEvent } from "@uaip/events";
import { createTestHub, type TestHub } from "@uaip/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendEvent } from "./append-event.ts";
import { hubMsgId, hubSecretBucket, loadHubSecret } from "./hub-msg-id.ts";

let t: TestHub;
const others: NatsConnection[] = [];

beforeAll(async () => {
  t = await createTestHub();
});
afterAll(async () => {
  for (const nc of others) await nc.close();
  await t?.close();
});

describe("hub msg ids", () => {
  it("hub msg ids - ten processes racing to create the secret all end up with the winner's", async () => {
    const conns = await Promise.all(
      Array.from({ length: 10 }, () => connect({ servers: t.config.nats.servers })),
    );
    others.push(...conns);
    const secrets = await Promise.all(conns.map((nc) => loadHubSecret(jetstream(nc), t.namespace)));
    const distinct = new Set(secrets.map((s) => Buffer.from(s).toString("hex")));
    expect(distinct.size).toBe(1);
    expect(secrets[0]).toHaveLength(32);
    const stored = await (await new Kvm(t.nc).open(hubSecretBucket(t.namespace))).get(
      "msg-id-secret",
    );
    expect(Buffer.from(stored!.string(), "base64url")).toEqual(Buffer.from(secrets[0]!));
  });

  it("hub msg ids - two connections appending the same event store it once; a device's plain id is another message", async () => {
    const other = await connect({ servers: t.config.nats.servers });
    others.push(other);
    const event = createEvent(
      "command.expired",
      "d1",
      { commandId: "c1" },
      { id: "c1.expired", source: "hub" },
    );
    const first = await appendEvent({ nc: t.nc, js: t.js, subjects: t.subjects }, event);
    const second = await appendEvent(
      { nc: other, js: jetstream(other), subjects: t.subjects },
      event,
    );
    expect(second).toMatchObject({ seq: first.seq, duplicate: true });
    const plain = await t.js.publish(t.subjects.command("d1", "c1", "completed"), "{}", {
      msgID: "c1.expired",
    });
    expect(plain.duplicate).toBe(false);
    const stored = await t.jsm.streams.getMessage(first.stream, { seq: first.seq });
    expect(stored?.header.get("Nats-Msg-Id")).toBe(
      hubMsgId(await loadHubSecret(t.js, t.namespace), "c1.expired"),
    );
  });
});
