import {
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  type StreamConfig,
} from "@nats-io/jetstream";
import type { StreamKind } from "@uaip/events";
import type { ManagedStreamConfig } from "./stream-definitions.ts";

export interface FieldChange {
  readonly field: string;
  readonly from: unknown;
  readonly to: unknown;
}

export type StreamApplyResult =
  | { readonly stream: string; readonly action: "created" | "unchanged" }
  | { readonly stream: string; readonly action: "updated"; readonly changes: FieldChange[] }
  | {
      readonly stream: string;
      readonly action: "failed";
      readonly changes: FieldChange[];
      readonly error: string;
    };

// The server refuses to change these on an existing stream; say so instead of trying.
const immutable = new Set(["storage", "retention"]);

/**
 * Creates or updates each stream to match its definition and reports what changed. Run it
 * twice and the second run reports every stream `unchanged`. Never throws halfway: a
 * stream that cannot be brought in line is reported `failed` with the reason.
 */
export async function applyStreams(
  jsm: JetStreamManager,
  definitions: Record<StreamKind, ManagedStreamConfig>,
): Promise<StreamApplyResult[]> {
  const results: StreamApplyResult[] = [];
  for (const want of Object.values(definitions)) {
    results.push(await applyOne(jsm, want));
  }
  return results;
}

async function applyOne(
  jsm: JetStreamManager,
  want: ManagedStreamConfig,
): Promise<StreamApplyResult> {
  const stream = want.name;
  let current: StreamConfig;
  try {
    current = (await jsm.streams.info(stream)).config;
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) {
      return { stream, action: "failed", changes: [], error: (err as Error).message };
    }
    try {
      await jsm.streams.add(want);
      return { stream, action: "created" };
    } catch (addErr) {
      return { stream, action: "failed", changes: [], error: (addErr as Error).message };
    }
  }
  const changes = diffStream(current, want);
  if (changes.length === 0) return { stream, action: "unchanged" };
  const blocked = changes.filter((c) => immutable.has(c.field));
  if (blocked.length > 0) {
    const what = blocked.map((c) => `${c.field} ${String(c.from)} → ${String(c.to)}`).join(", ");
    return {
      stream,
      action: "failed",
      changes,
      error: `cannot change ${what} in place: back up, delete and re-apply`,
    };
  }
  try {
    await jsm.streams.update(stream, { ...current, ...want });
    return { stream, action: "updated", changes };
  } catch (err) {
    return { stream, action: "failed", changes, error: (err as Error).message };
  }
}

/** The managed fields whose server value differs from the definition. */
export function diffStream(
  current: Partial<StreamConfig>,
  want: ManagedStreamConfig,
): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const [field, to] of Object.entries(want)) {
    if (field === "name") continue;
    const from = (current as Record<string, unknown>)[field];
    if (JSON.stringify(from ?? null) !== JSON.stringify(to ?? null))
      changes.push({ field, from, to });
  }
  return changes;
}
