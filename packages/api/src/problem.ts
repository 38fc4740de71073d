import type { FieldIssue } from "@uaip/events";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** RFC 9457 problem details: the one error shape of every route. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly errors?: readonly FieldIssue[];
  readonly [extra: string]: unknown;
}

/** Thrown by handlers; turned into `application/problem+json` by the app's error handler. */
export class HttpProblem extends Error {
  override readonly name = "HttpProblem";
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
}

const typeBase = "https://uaip.dev/problems/";

export const problems = {
  validation: (errors: readonly FieldIssue[], where: string) =>
    new HttpProblem({
      type: `${typeBase}validation`,
      title: "Invalid request",
      status: 400,
      detail: `${where}: ${errors.map((e) => `${e.field} (${e.rule}): ${e.message}`).join("; ")}`,
      errors,
    }),
  notFound: (what: string) =>
    new HttpProblem({
      type: `${typeBase}not-found`,
      title: "Not found",
      status: 404,
      detail: what,
    }),
  unavailable: (detail: string, extra: Record<string, unknown> = {}) =>
    new HttpProblem({
      type: `${typeBase}unavailable`,
      title: "Service unavailable",
      status: 503,
      detail,
      ...extra,
    }),
};

export function problemResponse(c: Context, problem: Problem): Response {
  return c.body(JSON.stringify(problem), problem.status as ContentfulStatusCode, {
    "content-type": "application/problem+json",
  });
}
