import type { JetStreamManager } from "@nats-io/jetstream";
import { type KV, Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { nanos } from "@nats-io/transport-node";
import type { Lease } from "@uaip/platform";

/** KV bucket holding a hub's leases: `<namespace>_leases` (stream `KV_<namespace>_leases`). */
export function leaseBucketName(namespace: string): string {
  return `${namespace}_leases`;
}

/**
 * Opens (creating if needed) the lease bucket. Its entries live `ttlMs` past their last
 * write (the bucket's max age, enforced by the server's clock, not the holders'): a holder
 * that stops renewing loses its lease that long after its last renewal.
 */
export async function openLeaseBucket(
  nc: NatsConnection,
  jsm: JetStreamManager,
  namespace: string,
  ttlMs: number,
): Promise<KV> {
  const name = leaseBucketName(namespace);
  const kv = await new Kvm(nc).create(name, { ttl: ttlMs, history: 1 });
  const info = await jsm.streams.info(`KV_${name}`);
  if (info.config.max_age !== nanos(ttlMs)) {
    await jsm.streams.update(`KV_${name}`, { ...info.config, max_age: nanos(ttlMs) });
  }
  return kv;
}

/**
 * The platform's Lease on NATS KV: one named entry in the bucket, at most one owner at a
 * time. `acquire` takes it when free (absent, expired or released) and renews it when held,
 * each a compare-and-set on the entry's revision; superviseWithLease calls it every ttl/3.
 * The dispatcher keeps no state in PostgreSQL, so its leases live beside its log in NATS.
 *
 * Exclusion is as good as the holder's renewals: a holder paused past the TTL (a long GC,
 * a frozen VM) may act for up to ttl/3 after another took over. The dispatcher is safe
 * under that (a device drops a command id it has seen; the fold keeps the first outcome).
 */
export class KvLease implements Lease {
  readonly #kv: KV;
  #revision = 0;
  #held = false;

  constructor(
    kv: KV,
    readonly name: string,
    readonly owner: string,
  ) {
    this.#kv = kv;
  }

  get held(): boolean {
    return this.#held;
  }

  /** Takes or renews the lease; true when this owner holds it afterwards. */
  async acquire(): Promise<boolean> {
    try {
      const entry = await this.#kv.get(this.name);
      const live = entry !== null && entry.operation === "PUT";
      if (live && entry.string() !== this.owner) {
        this.#held = false;
        return false;
      }
      this.#revision = live
        ? await this.#kv.update(this.name, this.owner, entry.revision)
        : await this.#kv.create(this.name, this.owner);
      this.#held = true;
    } catch {
      // Someone else got there first, or NATS is unreachable: either way, not ours now.
      this.#held = false;
    }
    return this.#held;
  }

  /** Gives the lease up (on a clean stop) so a standby takes over at once. */
  async release(): Promise<void> {
    if (!this.#held) return;
    this.#held = false;
    await this.#kv.delete(this.name, { previousSeq: this.#revision }).catch(() => {});
  }
}
