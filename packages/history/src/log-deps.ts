import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";

/** What reading the log needs: JetStream handles and the hub's namespace. */
export interface LogDeps {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly namespace: string;
}
