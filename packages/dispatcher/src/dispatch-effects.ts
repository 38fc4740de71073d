import type { DeviceEvent } from "@uaip/events";
import type { DeliveryResult } from "./command-delivery.ts";
import type { OpenCommand } from "./open-commands.ts";

/** How an effect with an answer went: its value, or the error it failed with. */
export type EffectResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: unknown };

/** How one append went. `refused`: JetStream said no (an API error), so retrying will not help. */
export type AppendResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly error: unknown; readonly refused: boolean };

/** The error of a failed append (or of a missing answer). */
export function appendError(r: AppendResult | undefined): unknown {
  return r && !r.ok ? r.error : new Error("no append result");
}

/**
 * What the dispatch scheduler asks its I/O shell to do. Effects with `done` are answered
 * through it, later (never from inside `perform`); the others are fire and forget.
 */
export type DispatchEffect =
  /** Read the log's leader: was the command cancelled? (only the hub cancels) */
  | {
      readonly kind: "check-cancelled";
      readonly command: OpenCommand;
      readonly done: (r: EffectResult<boolean>) => void;
    }
  /** Send delivery attempt `attempt` to the device and say what came back. */
  | {
      readonly kind: "send";
      readonly command: OpenCommand;
      readonly attempt: number;
      readonly done: (r: EffectResult<DeliveryResult>) => void;
    }
  /**
   * Append these events back to back, in this order (retrying while NATS is unreachable),
   * and say how each went.
   */
  | {
      readonly kind: "append";
      readonly events: readonly DeviceEvent[];
      readonly done: (r: readonly AppendResult[]) => void;
    }
  /** Tell the scheduler (`deviceSeen`) when the device is next seen, until `unwatch`. */
  | { readonly kind: "watch"; readonly deviceId: string }
  | { readonly kind: "unwatch"; readonly deviceId: string }
  /** The device answered a request: it counts as seen (presence). */
  | { readonly kind: "seen"; readonly deviceId: string }
  /** A command reached a final state (metrics: `name` is the command's type). */
  | {
      readonly kind: "closed";
      readonly commandId: string;
      readonly name: string;
      readonly state: string;
    }
  /** A step failed; the scheduler has already planned what follows (log it). */
  | {
      readonly kind: "failed";
      readonly deviceId: string;
      readonly what: string;
      readonly error: unknown;
    };
