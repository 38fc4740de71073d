import type { ManagedProcess } from "./managed-process.ts";

export type ServiceName = "nats" | "postgres" | "redis";

/** A service this package started, with the URL clients should use for it. */
export interface StartedService {
  readonly name: ServiceName;
  readonly url: string;
  /** The loopback port it listens on: pass it back to start it again where clients expect it. */
  readonly port: number;
  readonly process: ManagedProcess;
}
