import type { Msg, NatsConnection, Subscription } from "@nats-io/transport-node";
import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import {
  type CommandReply,
  CommandRequestSchema,
  deviceSubjects,
  extractTraceContext,
  tracingRegistered,
} from "@uaip/device-protocol";
import { describeIssues, fieldIssues, JsonValueSchema, printable } from "@uaip/events";
import * as v from "valibot";
import { SeenCommands } from "./seen-commands.ts";

/** What a handler learns about the command besides its params. */
export interface CommandContext {
  readonly commandId: string;
  readonly name: string;
  readonly expiresAt: Date;
  /** Delivery attempt, from 1. */
  readonly attempt: number;
}

/**
 * Runs one command. Its return value becomes the command's `result` (completed); a thrown
 * error becomes `failed` with the error's message and, if it has a string `code`, that code.
 */
export type CommandHandler = (
  params: Record<string, unknown>,
  command: CommandContext,
) => unknown | Promise<unknown>;

/** A finished handler's outcome, as replied or published. */
export type CommandOutcome =
  | { readonly status: "completed"; readonly result?: unknown }
  | { readonly status: "failed"; readonly error: { message: string; code?: string } };

interface Seen {
  outcome?: CommandOutcome;
}

export interface CommandInboxOptions {
  readonly namespace: string;
  readonly deviceId: string;
  /** How long a reply waits for the handler before answering "accepted" and letting it run on. */
  readonly inlineResultMs: number;
  /** How many command ids are remembered to drop redeliveries. */
  readonly seenLimit: number;
  /**
   * How long after answering with the outcome the device publishes it itself, as a safety
   * net in case the hub's append was lost (its dispatcher died between reply and append).
   * When both are stored, the commands fold keeps the first final state.
   */
  readonly outcomeSafetyMs: number;
  /** Publishes an outcome event through the buffered publisher. */
  readonly publishOutcome: (commandId: string, outcome: CommandOutcome) => void;
}

const encoder = new TextEncoder();

/**
 * Answers command requests on the device's inbox. A command id seen before is not run
 * again: the device answers with the outcome it had (or "accepted" while it still runs).
 * A handler that finishes within `inlineResultMs` has its outcome in the reply, so the
 * hub records delivered → acknowledged → outcome in order; a longer one is answered
 * "accepted" and its outcome published when it ends. Either way the device also publishes
 * the outcome itself (an inline one `outcomeSafetyMs` later), so it reaches the log even if
 * the dispatcher that received the reply dies before appending it.
 *
 * With tracing on in the application (an OpenTelemetry SDK registered), a command is handled
 * inside a span (`handle command set_power`) continuing the dispatcher's trace from the
 * request's headers; the outcome published from inside it carries that trace on.
 */
export class CommandInbox {
  readonly #handlers = new Map<string, CommandHandler>();
  readonly #seen: SeenCommands<Seen>;
  readonly #sub: Subscription;
  readonly #opts: CommandInboxOptions;
  readonly #running = new Set<Promise<unknown>>();
  readonly #safety = new Map<string, { timer: NodeJS.Timeout; outcome: CommandOutcome }>();

  constructor(nc: NatsConnection, opts: CommandInboxOptions) {
    this.#opts = opts;
    this.#seen = new SeenCommands(opts.seenLimit);
    this.#sub = nc.subscribe(deviceSubjects(opts.namespace, opts.deviceId).inbox, {
      callback: (err, msg) => {
        if (!err) this.#onRequest(msg);
      },
    });
  }

  /** Registers the handler for a command name; returns a function that removes it. */
  on(name: string, handler: CommandHandler): () => void {
    this.#handlers.set(name, handler);
    return () => {
      if (this.#handlers.get(name) === handler) this.#handlers.delete(name);
    };
  }

  /** Command names with a handler: what the device can declare as its capabilities. */
  get names(): string[] {
    return [...this.#handlers.keys()];
  }

  /** Waits for handlers still running (for a clean shutdown). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.#running]);
  }

  /** Stops answering; safety-net outcomes still due are published now. */
  close(): void {
    this.#sub.unsubscribe();
    for (const [commandId, { timer, outcome }] of this.#safety) {
      clearTimeout(timer);
      this.#opts.publishOutcome(commandId, outcome);
    }
    this.#safety.clear();
  }

  #onRequest(msg: Msg): void {
    let body: unknown;
    try {
      body = msg.json();
    } catch {
      body = undefined;
    }
    const parsed = v.safeParse(CommandRequestSchema, body);
    if (!parsed.success) {
      reply(msg, {
        status: "rejected",
        error: { message: "not a command request", code: "BAD_REQUEST" },
      });
      return;
    }
    const req = parsed.output;
    const seen = this.#seen.get(req.commandId);
    if (seen) {
      reply(
        msg,
        seen.outcome
          ? { ...seen.outcome, duplicate: true }
          : { status: "accepted", duplicate: true },
      );
      return;
    }
    const handler = this.#handlers.get(req.name);
    if (!handler) {
      reply(msg, {
        status: "rejected",
        error: { message: `no handler for command "${req.name}"`, code: "UNKNOWN_COMMAND" },
      });
      return;
    }
    const record: Seen = {};
    this.#seen.add(req.commandId, record);
    let replied = false;
    const timer = setTimeout(() => {
      replied = true;
      reply(msg, { status: "accepted" });
    }, this.#opts.inlineResultMs);
    const context: CommandContext = {
      commandId: req.commandId,
      name: req.name,
      expiresAt: new Date(req.expiresAt),
      attempt: req.attempt,
    };
    const finish = (outcome: CommandOutcome) => {
      record.outcome = outcome;
      clearTimeout(timer);
      if (replied) {
        this.#opts.publishOutcome(req.commandId, outcome);
        return;
      }
      reply(msg, outcome);
      const safety = setTimeout(() => {
        this.#safety.delete(req.commandId);
        this.#opts.publishOutcome(req.commandId, outcome);
      }, this.#opts.outcomeSafetyMs);
      safety.unref();
      this.#safety.set(req.commandId, { timer: safety, outcome });
    };
    // The outcome is published inside the handling span, so it carries the trace on.
    const run = traced(msg, req.name, context, async () => {
      const outcome = await runHandler(handler, req.params, context);
      finish(outcome);
      return outcome;
    });
    this.#running.add(run);
    void run.finally(() => this.#running.delete(run));
  }
}

/** Runs `fn` in a span continuing the request's trace, when the application traces. */
function traced(
  msg: Msg,
  name: string,
  command: CommandContext,
  fn: () => Promise<CommandOutcome>,
): Promise<CommandOutcome> {
  if (!tracingRegistered()) return fn();
  return trace.getTracer("@uaip/device-sdk").startActiveSpan(
    `handle command ${name}`,
    {
      kind: SpanKind.SERVER,
      attributes: {
        "uaip.command.id": command.commandId,
        "uaip.command.name": name,
        "uaip.command.attempt": command.attempt,
      },
    },
    extractTraceContext(msg.headers),
    async (span) => {
      try {
        const outcome = await fn();
        span.setAttribute("uaip.command.outcome", outcome.status);
        if (outcome.status === "failed") {
          span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.error.message });
        }
        return outcome;
      } finally {
        span.end();
      }
    },
  );
}

async function runHandler(
  handler: CommandHandler,
  params: Record<string, unknown>,
  context: CommandContext,
): Promise<CommandOutcome> {
  try {
    const result = await handler(params, context);
    // The result travels as JSON and is stored by the hub: anything that cannot is a
    // failure, said now (a U+0000 in a string, say, which PostgreSQL cannot hold).
    if (result === undefined) return { status: "completed" };
    const storable = v.safeParse(JsonValueSchema, JSON.parse(JSON.stringify(result)));
    if (!storable.success) {
      const why = describeIssues(fieldIssues(storable.issues, "result"));
      return failed(`the result cannot be stored: ${why}`, "BAD_RESULT");
    }
    return { status: "completed", result: storable.output };
  } catch (err) {
    const e = err as { message?: unknown; code?: unknown };
    const message = typeof e?.message === "string" ? e.message : String(err);
    return failed(message, typeof e?.code === "string" ? e.code : undefined);
  }
}

/** A failed outcome whose text the catalog accepts: control characters escaped, cut to length. */
function failed(message: string, code?: string): CommandOutcome {
  return {
    status: "failed",
    error: {
      message: printable(message, { freeText: true }).slice(0, 2048),
      ...(code !== undefined ? { code: printable(code).slice(0, 64) } : {}),
    },
  };
}

function reply(msg: Msg, body: CommandReply): void {
  // A reply lost to a disconnect is not lost for good: the dispatcher asks again and the
  // seen-set answers.
  try {
    msg.respond(encoder.encode(JSON.stringify(body)));
  } catch {}
}
