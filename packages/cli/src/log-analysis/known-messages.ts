/**
 * The log messages the analysis recognises, by what they mean, in one table: when a
 * message changes in the code, it changes here. `component` narrows a generic text.
 * Sources: packages/projector/src/apply-batch.ts, supervise-projector.ts;
 * packages/dispatcher/src/dispatch-session.ts, command-dispatcher.ts.
 */
export const knownMessages = [
  { kind: "projector.retry", msg: "batch failed, retrying" },
  { kind: "projector.unavailable", msg: "store or NATS unavailable; retrying" },
  { kind: "projector.deadLetter", msg: "event rejected" },
  { kind: "projector.stopped", msg: "projector stopped on an error" },
  { kind: "dispatcher.retry", msg: "append failed; retrying" },
  { kind: "dispatcher.expired", msg: "command expired", component: "dispatcher" },
  { kind: "dispatcher.expiryFailed", msg: "expiry failed", component: "dispatcher" },
  // A delivery step that failed (`${what} failed`): its lane backs off and tries again.
  { kind: "dispatcher.stepFailed", pattern: /^(.+) failed$/, component: "dispatcher" },
  { kind: "dispatcher.restart", msg: "dispatcher session failed; starting over" },
] as const satisfies readonly KnownMessage[];

interface KnownMessage {
  readonly kind: string;
  readonly msg?: string;
  readonly pattern?: RegExp;
  readonly component?: string;
}

export type KnownMessageKind = (typeof knownMessages)[number]["kind"];

/** The message's kind (the first entry that matches), or undefined for any other message. */
export function knownMessageKind(
  msg: string,
  component: string | undefined,
): KnownMessageKind | undefined {
  for (const m of knownMessages as readonly KnownMessage[]) {
    if (m.component !== undefined && m.component !== component) continue;
    if (m.msg !== undefined ? m.msg === msg : m.pattern?.test(msg))
      return m.kind as KnownMessageKind;
  }
  return undefined;
}

/** The access-log line the HTTP kit writes per request. */
export const accessLog = { component: "http", msg: "request" } as const;
