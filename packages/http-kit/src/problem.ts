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

/**
 * Thrown by handlers and middleware; turned into `application/problem+json` by the kit's
 * error handler, with `headers` (e.g. `Retry-After`) added to the response.
 *
 * @example
 * throw new HttpProblem({ type: `${ProblemTypeBase}conflict`, title: "Conflict", status: 409, detail });
 */
export class HttpProblem extends Error {
  override readonly name = "HttpProblem";
  constructor(
    readonly problem: Problem,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(problem.detail ?? problem.title);
  }
}

/** Where every problem `type` of the hub lives: `${ProblemTypeBase}not-found`. */
export const ProblemTypeBase = "https://uaip.dev/problems/";

/**
 * The problems every route may answer with, one constructor each, so every package says them
 * alike. A package adds its own (the write side's 409 and 412) as HttpProblems of the same shape.
 */
export const problems = {
  validation: (errors: readonly FieldIssue[], where: string) =>
    new HttpProblem({
      type: `${ProblemTypeBase}validation`,
      title: "Invalid request",
      status: 400,
      detail: `${where}: ${errors.map((e) => `${e.field} (${e.rule}): ${e.message}`).join("; ")}`,
      errors,
    }),
  unauthorized: (detail: string) =>
    new HttpProblem(
      { type: `${ProblemTypeBase}unauthorized`, title: "Unauthorized", status: 401, detail },
      { "www-authenticate": 'Bearer realm="uaip"' },
    ),
  forbidden: (detail: string, extra: Record<string, unknown> = {}) =>
    new HttpProblem({
      type: `${ProblemTypeBase}forbidden`,
      title: "Forbidden",
      status: 403,
      detail,
      ...extra,
    }),
  notFound: (what: string) =>
    new HttpProblem({
      type: `${ProblemTypeBase}not-found`,
      title: "Not found",
      status: 404,
      detail: what,
    }),
  payloadTooLarge: (limit: number) =>
    new HttpProblem({
      type: `${ProblemTypeBase}payload-too-large`,
      title: "Payload too large",
      status: 413,
      detail: `the request body exceeds ${limit} bytes`,
      limit,
    }),
  unsupportedMediaType: (detail: string) =>
    new HttpProblem(
      {
        type: `${ProblemTypeBase}unsupported-media-type`,
        title: "Unsupported media type",
        status: 415,
        detail,
      },
      { "accept-post": "application/json", "accept-patch": "application/json" },
    ),
  tooManyFailedAuthentications: (retryAfterSeconds: number, perMinute: number) =>
    new HttpProblem(
      {
        type: `${ProblemTypeBase}too-many-failed-authentications`,
        title: "Too many failed authentications",
        status: 429,
        detail: `this client sent more than ${perMinute} invalid API keys a minute; retry in ${retryAfterSeconds} s`,
        retryAfter: retryAfterSeconds,
      },
      { "retry-after": String(retryAfterSeconds) },
    ),
  tooManyRequests: (retryAfterSeconds: number, limit: number) =>
    new HttpProblem(
      {
        type: `${ProblemTypeBase}rate-limited`,
        title: "Too many requests",
        status: 429,
        detail: `this key may make ${limit} requests per second; retry in ${retryAfterSeconds} s`,
        retryAfter: retryAfterSeconds,
      },
      { "retry-after": String(retryAfterSeconds) },
    ),
  unavailable: (detail: string, extra: Record<string, unknown> = {}, retryAfterSeconds = 1) =>
    new HttpProblem(
      {
        type: `${ProblemTypeBase}unavailable`,
        title: "Service unavailable",
        status: 503,
        detail,
        ...extra,
      },
      { "retry-after": String(retryAfterSeconds) },
    ),
};

/** Writes a problem as `application/problem+json`. */
export function problemResponse(
  c: Context,
  problem: Problem,
  headers: Readonly<Record<string, string>> = {},
): Response {
  return c.body(JSON.stringify(problem), problem.status as ContentfulStatusCode, {
    ...headers,
    "content-type": "application/problem+json",
  });
}
