import * as v from "valibot";
import { printable } from "./text.ts";

/** One validation failure: which field, which rule, in words. */
export interface FieldIssue {
  readonly field: string;
  readonly rule: string;
  readonly message: string;
}

/**
 * Flattens valibot issues into `field` (dot path, or `(root)`) + `rule` + message. A key or a
 * quoted value holding control characters is written with `\u0000` escapes, so an issue can
 * always be logged, stored and shown.
 */
export function fieldIssues(issues: readonly v.BaseIssue<unknown>[], prefix = ""): FieldIssue[] {
  return issues.map((issue) => {
    const path = v.getDotPath(issue);
    const field = [prefix, path].filter(Boolean).join(".") || "(root)";
    return { field: printable(field), rule: issue.type, message: printable(issue.message) };
  });
}

/** `data.status: Invalid option …; id: …` — one line for logs and dead letters. */
export function describeIssues(issues: readonly FieldIssue[]): string {
  return issues.map((i) => `${i.field}: ${i.message}`).join("; ");
}
