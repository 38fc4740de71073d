import * as v from "valibot";
import { catalog, type EventType } from "./catalog.ts";
import { type FieldIssue, fieldIssues } from "./issues.ts";

export type UpcastResult =
  | { readonly ok: true; readonly data: unknown }
  | {
      readonly ok: false;
      readonly reason: "unsupported_version" | "invalid_data";
      readonly issues: FieldIssue[];
    };

/**
 * Brings `data` written at `version` up to the catalog's current version of `type`, one
 * step at a time, validating each older shape on the way. Current data passes through.
 */
export function upcast(type: EventType, version: number, data: unknown): UpcastResult {
  const def = catalog[type];
  if (version > def.version) {
    return unsupported(`version ${version} is newer than this hub knows (${def.version})`);
  }
  let current = data;
  for (let from = version; from < def.version; from++) {
    const step = def.upcasters[from];
    if (!step) return unsupported(`no upcaster from version ${from} of ${type}`);
    const parsed = v.safeParse(step.schema, current);
    if (!parsed.success) {
      return { ok: false, reason: "invalid_data", issues: fieldIssues(parsed.issues, "data") };
    }
    current = step.upcast(parsed.output as never);
  }
  return { ok: true, data: current };
}

function unsupported(message: string): UpcastResult {
  return {
    ok: false,
    reason: "unsupported_version",
    issues: [{ field: "v", rule: "version", message }],
  };
}
