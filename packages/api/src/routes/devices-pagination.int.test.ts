import { createEvent } from "@uaip/events";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type ApiTestHub, startApiTestHub } from "../testing/api-test-hub.ts";

let h: ApiTestHub;
const fleet = Array.from(
  { length: 2_500 },
  (_, i) => `dev-${String((i * 7919) % 10_000).padStart(5, "0")}`,
);

const register = (id: string) =>
  createEvent("device.registered", id, { name: `Device ${id}`, type: "sensor" });

beforeAll(async () => {
  h = await startApiTestHub({ auth: "off" }, { redisProjection: false });
  for (let i = 0; i < fleet.length; i += 500) {
    await Promise.all(fleet.slice(i, i + 500).map((id) => h.t.publish(register(id))));
  }
  await h.caughtUp();
});
afterAll(() => h?.close());

it("devices list - walking 2,500 devices page by page while devices are added: no duplicate, no gap", async () => {
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  let added = 0;
  do {
    const res = await h.app.request(
      `/api/v1/devices?limit=100${cursor ? `&cursor=${cursor}` : ""}`,
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: { id: string }[]; next: string | null };
    seen.push(...body.items.map((d) => d.id));
    cursor = body.next;
    pages++;
    // Meanwhile new devices land all over the id space, before and after the cursor.
    await Promise.all(
      Array.from({ length: 20 }, () => {
        added++;
        return h.t.publish(
          register(`dev-${String(Math.floor(Math.random() * 10_000)).padStart(5, "0")}x${added}`),
        );
      }),
    );
  } while (cursor !== null && pages < 200);

  expect(new Set(seen).size).toBe(seen.length); // no duplicate
  expect([...seen].sort()).toEqual(seen); // one stable order
  const walked = new Set(seen);
  expect(fleet.filter((id) => !walked.has(id))).toEqual([]); // no gap
  expect(pages).toBeGreaterThanOrEqual(25);
});
