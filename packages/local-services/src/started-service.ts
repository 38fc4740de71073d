import type { ManagedProcess } from "./managed-process.ts";

export type ServiceName = "nats" | "postgres" | "redis";

/** A service this package started, with the URL clients should use for it. */
export interface StartedService {
  readonly name: ServiceName;
  readonly url: string;
  readonly process: ManagedProcess;
}
