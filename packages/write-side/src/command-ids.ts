import { createHash, randomUUID } from "node:crypto";

/**
 * The command id an Idempotency-Key stands for on a device: the same (device, key) always
 * gives the same id, so a retried POST appends the same `command.issued` (same subject, same
 * `Nats-Msg-Id`), which the stream stores once — and, past its duplicate window, the
 * expected-last-subject-sequence of 0 on that subject refuses it. Keys are per device.
 *
 * @example
 * commandIdFor("lamp-1", "order-7"); // "k-" + 32 url-safe characters, always the same
 */
export function commandIdFor(deviceId: string, idempotencyKey: string): string {
  const digest = createHash("sha256").update(`${deviceId}\n${idempotencyKey}`).digest("base64url");
  return `k-${digest.slice(0, 32)}`;
}

/** A fresh command id for a command without an Idempotency-Key. */
export function newCommandId(): string {
  return randomUUID();
}

/** Whether two JSON values are equal, whatever the order of their object keys. */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(canonical).join(",")}]`;
  if (x && typeof x === "object") {
    const entries = Object.entries(x as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(x) ?? "null";
}
