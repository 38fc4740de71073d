import { type StreamKind, type Subjects, streamName, subjects } from "@uaip/events";
import type { Logger } from "@uaip/platform";
import type { ProjectorRead } from "./open-consumer.ts";
import type { ProjectorOptions, ProjectorState } from "./projector-options.ts";
import type { CheckpointFault } from "./stream-identity.ts";

/**
 * What the steps of one projector worker share: its options, and the little state the
 * Projector resource reports (state, position, fault). Mutated by the supervisor and the
 * consuming loop only.
 */
export interface ProjectorWorker {
  readonly opts: ProjectorOptions;
  readonly name: string;
  readonly streamKind: StreamKind;
  /** The stream's full name in this namespace. */
  readonly stream: string;
  readonly subjects: Subjects;
  readonly log: Logger;
  readonly live: boolean;
  /** Aborts when stop() is called. */
  readonly stopping: AbortSignal;
  state: ProjectorState;
  /** Last stream sequence committed (or found committed). */
  position: number;
  fault: CheckpointFault | undefined;
  /** The stream instance the checkpoint counts in, recorded with each commit. */
  streamId: string | undefined;
  /** A batch is being committed: the checkpoint watch holds off. */
  applying: boolean;
  /** The read in progress, so that stop() can close it. */
  read: ProjectorRead | undefined;
}

export function projectorWorker(opts: ProjectorOptions, stopping: AbortSignal): ProjectorWorker {
  return {
    opts,
    name: opts.target.name,
    streamKind: opts.target.stream,
    stream: streamName(opts.namespace, opts.target.stream),
    subjects: subjects(opts.namespace),
    log: opts.logger.child({ projection: opts.target.name }),
    live: (opts.mode ?? "live") === "live",
    stopping,
    state: "starting",
    position: 0,
    fault: undefined,
    streamId: undefined,
    applying: false,
    read: undefined,
  };
}

/** Whether a shadow build reached its `stopAt`. */
export function reachedStop(w: ProjectorWorker): boolean {
  return w.opts.stopAt !== undefined && w.position >= w.opts.stopAt;
}

/** The streamId field of a commit, when the stream instance is known. */
export function streamIdField(w: ProjectorWorker): { streamId?: string } {
  return w.streamId ? { streamId: w.streamId } : {};
}
