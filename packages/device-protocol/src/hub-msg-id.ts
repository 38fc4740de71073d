import { createHmac, randomBytes } from "node:crypto";
import type { JetStreamClient } from "@nats-io/jetstream";
import { type KV, Kvm } from "@nats-io/kv";

/**
 * KV bucket holding a hub's msg-id secret: `<namespace>_hub` (stream `KV_<namespace>_hub`).
 * Device permissions allow neither `$JS.API.>` nor `$KV.>`, so no device can read it.
 */
export function hubSecretBucket(namespace: string): string {
  return `${namespace}_hub`;
}

const SecretKey = "msg-id-secret";

/**
 * The namespace's secret for hub msg ids: 32 random bytes, created once and shared by every
 * hub process through NATS KV. Whoever comes first creates it with an atomic `create`
 * (expected revision 0); a process that loses the race reads the winner's value, so all of
 * them derive the same ids.
 *
 * Losing it is harmless: msg ids only matter within the streams' two-minute duplicate
 * window, and a new secret is made on the next append. That is why backups need not (and
 * do not) carry it.
 */
export async function loadHubSecret(js: JetStreamClient, namespace: string): Promise<Uint8Array> {
  const kv = await openBucket(js, namespace);
  for (let attempt = 1; ; attempt++) {
    const entry = await kv.get(SecretKey);
    if (entry && entry.operation === "PUT" && entry.value.length > 0) {
      return Buffer.from(entry.string(), "base64url");
    }
    try {
      const secret = randomBytes(32);
      await kv.create(SecretKey, secret.toString("base64url"));
      return secret;
    } catch (err) {
      // Another process created it between our get and our create: read theirs.
      if (attempt >= 5) throw err;
    }
  }
}

async function openBucket(js: JetStreamClient, namespace: string): Promise<KV> {
  const kvm = new Kvm(js);
  try {
    return await kvm.create(hubSecretBucket(namespace), { history: 1 });
  } catch {
    // Two processes creating the bucket at once: one of them sees the other's.
    return kvm.open(hubSecretBucket(namespace));
  }
}

/**
 * The `Nats-Msg-Id` the hub sends for one of its events: `h.` + base64url(HMAC-SHA256(secret,
 * event id)). The event id in the body stays what it is (deterministic where a retry must
 * find the same event); the msg id the stream dedupes on is one no device can compute, so a
 * device cannot make the stream drop a hub append as a duplicate of something it published.
 *
 * @example
 * hubMsgId(secret, "k-Qm9….issued"); // "h.3q2-7w…" (45 characters)
 */
export function hubMsgId(secret: Uint8Array, eventId: string): string {
  return `h.${createHmac("sha256", secret).update(eventId).digest("base64url")}`;
}

/** Derives hub msg ids for one namespace; see hubMsgIds. */
export type HubMsgIds = (eventId: string) => string;

const loaded = new WeakMap<object, Map<string, Promise<Uint8Array>>>();

/**
 * The msg-id derivation of `namespace`, with its secret loaded once per connection (keyed by
 * `key`, e.g. the NatsConnection) and namespace, then kept for the life of the process. A
 * failed load is not kept: the next call tries again.
 *
 * @example
 * const msgId = await hubMsgIds(nc, js, "uaip");
 * msgId(event.id); // "h.…"
 */
export async function hubMsgIds(
  key: object,
  js: JetStreamClient,
  namespace: string,
): Promise<HubMsgIds> {
  let byNamespace = loaded.get(key);
  if (!byNamespace) {
    byNamespace = new Map();
    loaded.set(key, byNamespace);
  }
  let secret = byNamespace.get(namespace);
  if (!secret) {
    secret = loadHubSecret(js, namespace);
    byNamespace.set(namespace, secret);
    const pending = secret;
    pending.catch(() => {
      if (byNamespace.get(namespace) === pending) byNamespace.delete(namespace);
    });
  }
  const bytes = await secret;
  return (eventId) => hubMsgId(bytes, eventId);
}
