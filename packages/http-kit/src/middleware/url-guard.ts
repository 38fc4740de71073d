import type { FieldIssue } from "@uaip/events";
import type { MiddlewareHandler } from "hono";
import type { RouteEnv } from "../define-route.ts";
import { problems } from "../problem.ts";

/** U+0000: no PostgreSQL text column can hold it, and no identifier or filter needs it. */
const NUL = "\u0000";

/** `decodeURIComponent`, or the issue when the text is not valid percent-encoded UTF-8. */
function strictDecode(raw: string, field: string, plus: boolean): string | FieldIssue {
  const text = plus ? raw.replace(/\+/g, " ") : raw;
  let decoded: string;
  try {
    decoded = text.includes("%") ? decodeURIComponent(text) : text;
  } catch {
    return {
      field,
      rule: "percent-encoding",
      message:
        "is not valid percent-encoded UTF-8 (a '%' not followed by two hex digits, or bytes that are not UTF-8)",
    };
  }
  if (decoded.includes(NUL)) {
    return { field, rule: "no-nul", message: "must not contain the NUL character (U+0000)" };
  }
  return decoded;
}

/** The issues of a URL's path and query string, each naming its place. */
export function urlIssues(
  url: string,
): { where: "path" | "query"; issues: FieldIssue[] } | undefined {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  const hash = url.indexOf("#");
  const end = hash === -1 ? url.length : hash;
  const q = url.indexOf("?");
  const pathEnd = q === -1 || q > end ? end : q;
  const path = url.slice(start === -1 ? end : start, pathEnd);
  const pathIssues: FieldIssue[] = [];
  for (const segment of path.split("/")) {
    const d = strictDecode(segment, "(path)", false);
    if (typeof d !== "string")
      pathIssues.push({ ...d, message: `segment "${segment.slice(0, 64)}" ${d.message}` });
  }
  if (pathIssues.length > 0) return { where: "path", issues: pathIssues.slice(0, 1) };
  if (q === -1 || q > end) return undefined;
  const issues: FieldIssue[] = [];
  for (const pair of url.slice(q + 1, end).split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const rawName = eq === -1 ? pair : pair.slice(0, eq);
    const name = strictDecode(rawName, "(name)", true);
    if (typeof name !== "string") {
      issues.push({
        ...name,
        field: rawName.slice(0, 64),
        message: `the parameter's name ${name.message}`,
      });
      continue;
    }
    if (eq === -1) continue;
    const value = strictDecode(pair.slice(eq + 1), name, true);
    if (typeof value !== "string") issues.push(value);
  }
  return issues.length > 0 ? { where: "query", issues } : undefined;
}

/**
 * Refuses, with a 400 naming the place, a URL whose path or query is not valid
 * percent-encoded UTF-8 or decodes to a NUL. Hono decodes leniently (a bad `%zz` is passed
 * on as is) and PostgreSQL fails on a NUL, so this runs before any route sees the request.
 * A URL without `%` costs one scan. Header values need no check here: Node's HTTP parser
 * (and the fetch `Headers` class, in process) already refuse NUL and raw control bytes.
 */
export function urlGuard(): MiddlewareHandler<RouteEnv> {
  return async function urlGuardMiddleware(c, next) {
    const url = c.req.url;
    if (url.includes("%")) {
      const found = urlIssues(url);
      if (found) throw problems.validation(found.issues, found.where);
    }
    await next();
  };
}
