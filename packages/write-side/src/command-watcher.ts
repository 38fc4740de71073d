import type { NatsConnection, Subscription } from "@nats-io/transport-node";

const finalPhases = new Set(["completed", "failed", "expired", "cancelled"]);

/**
 * Hears every command event as it is published (one core subscription per process) and
 * tells whoever listens for a command id when one of its final events goes by — so a
 * long-poll reads the read model right when it is about to change, instead of polling it.
 */
export class CommandWatcher {
  readonly #nc: NatsConnection;
  readonly #namespace: string;
  #sub?: Subscription;
  readonly #listeners = new Map<string, Set<() => void>>();

  constructor(nc: NatsConnection, namespace: string) {
    this.#nc = nc;
    this.#namespace = namespace;
  }

  /** Calls `onFinal` when a final event of `commandId` is published; returns the unlistener. */
  listen(commandId: string, onFinal: () => void): () => void {
    this.#subscribe();
    let set = this.#listeners.get(commandId);
    if (!set) {
      set = new Set();
      this.#listeners.set(commandId, set);
    }
    set.add(onFinal);
    return () => {
      set.delete(onFinal);
      if (set.size === 0) this.#listeners.delete(commandId);
    };
  }

  close(): void {
    this.#sub?.unsubscribe();
    this.#sub = undefined;
  }

  #subscribe(): void {
    if (this.#sub) return;
    this.#sub = this.#nc.subscribe(`${this.#namespace}.command.*.*.*`, {
      callback: (err, msg) => {
        if (err || this.#listeners.size === 0) return;
        const t = msg.subject.split(".");
        const set = this.#listeners.get(t[3]!);
        if (set && finalPhases.has(t[4]!)) for (const f of [...set]) f();
      },
    });
  }
}
