import * as v from "valibot";

/** One validation failure: which field, which rule, in words. */
export interface FieldIssue {
  readonly field: string;
  readonly rule: string;
  readonly message: string;
}

/** Flattens valibot issues into `field` (dot path, or `(root)`) + `rule` + message. */
export function fieldIssues(issues: readonly v.BaseIssue<unknown>[], prefix = ""): FieldIssue[] {
  return issues.map((issue) => {
    const path = v.getDotPath(issue);
    const field = [prefix, path].filter(Boolean).join(".") || "(root)";
    return { field, rule: issue.type, message: issue.message };
  });
}

/** `data.status: Invalid option …; id: …` — one line for logs and dead letters. */
export function describeIssues(issues: readonly FieldIssue[]): string {
  return issues.map((i) => `${i.field}: ${i.message}`).join("; ");
}
