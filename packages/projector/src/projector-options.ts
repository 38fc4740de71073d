import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import type { Logger } from "@uaip/platform";
import type { ProjectionTarget } from "@uaip/projections";
import type { LeaseOptions } from "./pg-lease.ts";

export interface ProjectorOptions {
  readonly target: ProjectionTarget;
  readonly namespace: string;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly logger: Logger;
  readonly batchSize: number;
  readonly batchWaitMs: number;
  /** With a lease, several workers may run the same projection; one applies at a time. */
  readonly lease?: LeaseOptions;
  /**
   * `live` reads through the projection's durable consumer, acks, and publishes dead
   * letters. `shadow` (rebuild, verify) reads with an ordered consumer and does neither.
   */
  readonly mode?: "live" | "shadow";
  /**
   * Publish rejected events to the dead-letter stream (live mode only). Off for a target
   * whose stream another projection already dead-letters, so each bad event is reported once
   * per store that records it.
   */
  readonly deadLetters?: boolean;
  /** Stop once this stream sequence is applied (shadow builds). */
  readonly stopAt?: number;
  /** Called after each committed batch, e.g. for a progress bar. */
  readonly onBatch?: (position: number, applied: number) => void;
}

export type ProjectorState =
  | "starting"
  | "standby"
  | "running"
  | "retrying"
  /** The checkpoint does not belong to this stream (see `fault`): nothing is applied. */
  | "halted"
  | "stopping"
  | "stopped";
