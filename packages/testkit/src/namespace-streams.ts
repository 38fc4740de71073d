import type { JetStreamManager } from "@nats-io/jetstream";

/**
 * Names of every JetStream stream a hub of `namespace` may have made: its event streams
 * (`<NS>_DEVICES`, …, and any other `<NS>_*`), and the streams behind its KV buckets and
 * object stores (`KV_<ns>_*`, `OBJ_<ns>_*`, e.g. the dispatcher's `KV_<ns>_leases`).
 *
 * A namespace may contain `_`, so namespace `a` also matches `A_B_DEVICES` of namespace
 * `a_b`: fine for the test kit's random `t<hex>` namespaces, not for arbitrary ones.
 */
export async function namespaceStreams(
  jsm: JetStreamManager,
  namespace: string,
): Promise<string[]> {
  const prefixes = [`${namespace.toUpperCase()}_`, `KV_${namespace}_`, `OBJ_${namespace}_`];
  const names: string[] = [];
  for await (const name of jsm.streams.names()) {
    if (prefixes.some((p) => name.startsWith(p))) names.push(name);
  }
  return names;
}
