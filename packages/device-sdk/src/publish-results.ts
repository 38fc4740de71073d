import type { MsgHdrs } from "@nats-io/transport-node";
import type { Span } from "@opentelemetry/api";
import { PublishRejectedError } from "./errors.ts";

// What goes into the event publisher and what comes out of it.

export interface PublisherOptions {
  /** Prefix of the reply subjects acks come back on (the device's own, see deviceSubjects). */
  readonly replyPrefix: string;
  /** Most events sent and not yet acknowledged. */
  readonly window: number;
  /** Most events held (unsent + unacknowledged); past it the oldest unsent is dropped. */
  readonly bufferLimit: number;
  /** An ack not back by then makes the publisher send everything unacknowledged again. */
  readonly ackTimeoutMs: number;
}

/** One event to store: its subject, body and headers (which carry `Nats-Msg-Id`). */
export interface OutgoingEvent {
  readonly subject: string;
  readonly body: string;
  readonly headers: MsgHdrs;
  /** The publish's span, when the application traces (see startPublishSpan). */
  readonly span?: Span;
}

/** Where JetStream stored an event; `duplicate` when an earlier send of it already was. */
export interface StoredAck {
  readonly stream: string;
  readonly seq: number;
  readonly duplicate: boolean;
}

/** How a batch went: every event is either stored (or found a duplicate) or failed. */
export interface BatchResult {
  readonly stored: number;
  readonly duplicates: number;
  readonly failed: readonly { readonly index: number; readonly error: Error }[];
}

/**
 * The refusal a JetStream ack carries (`{"error":…}`), or undefined for a stored event. Only
 * refusals are parsed: the hot path reads a stored ack's text without JSON.parse.
 */
export function ackRefusal(text: string, subject: string): Error | undefined {
  if (!text.includes('"error"')) return undefined;
  const ack = JSON.parse(text) as {
    error: { err_code?: number; code?: number; description?: string };
  };
  return new PublishRejectedError(
    ack.error.err_code ?? ack.error.code ?? 0,
    subject,
    ack.error.description ?? "rejected",
  );
}
