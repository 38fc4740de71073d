import type { FieldIssue } from "@uaip/events";
import type * as v from "valibot";
import type { RouteContext } from "./define-route.ts";
import { parseOr400 } from "./parse-or-400.ts";
import { problems } from "./problem.ts";

const utf8 = new TextDecoder("utf-8", { fatal: true });
const objectTypes = new Set(["object", "strict_object", "loose_object", "object_with_rest"]);

/** `application/json`, with no parameter but an optional UTF-8 charset. */
export function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  const [type, ...params] = header.split(";").map((p) => p.trim().toLowerCase());
  if (type !== "application/json") return false;
  return params.every((p) => p === "" || /^charset="?utf-8"?$/.test(p));
}

/** Deepest nesting a body may have: far past any route's schema, far short of a stack's end. */
export const MaxBodyDepth = 64;

/**
 * The first issue of a parsed body that a schema may not check: nesting deeper than
 * `MaxBodyDepth`, or (with `nul`) a NUL in any key or string. Iterative, so a
 * 10,000-level body costs no stack.
 */
function bodyIssue(body: unknown, opts: { nul: boolean }): FieldIssue | undefined {
  const stack: Array<[unknown, string, number]> = [[body, "", 0]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [value, path, depth] = next;
    if (typeof value === "string") {
      if (opts.nul && value.includes("\u0000"))
        return {
          field: path || "(root)",
          rule: "no-nul",
          message: "must not contain the NUL character (U+0000)",
        };
      continue;
    }
    if (value === null || typeof value !== "object") continue;
    if (depth >= MaxBodyDepth)
      return {
        field: path || "(root)",
        rule: "max-depth",
        message: `nests deeper than ${MaxBodyDepth} levels`,
      };
    for (const [k, item] of Object.entries(value)) {
      const at = path ? `${path}.${k}` : k;
      if (opts.nul && k.includes("\u0000"))
        return {
          field: at,
          rule: "no-nul",
          message: "must not contain the NUL character (U+0000)",
        };
      stack.push([item, at, depth + 1]);
    }
  }
  return undefined;
}

function invalid(field: string, rule: string, message: string): never {
  throw problems.validation([{ field, rule, message } satisfies FieldIssue], "body");
}

/**
 * The request's JSON body, validated by `schema`: 415 unless it is `application/json`, 400
 * when it is not UTF-8, not JSON, holds a NUL anywhere (PostgreSQL stores no NUL), nests deeper than
 * `MaxBodyDepth`, is an
 * array where the schema wants an object (valibot's object schemas accept arrays), or fails
 * the schema. An empty body is accepted, with any content type, only when the schema is
 * `v.optional` (its default is what absent means).
 */
export async function readJsonBody(c: RouteContext, schema: v.GenericSchema): Promise<unknown> {
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  if (
    schema.type === "optional" &&
    bytes.every((b) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d)
  ) {
    return parseOr400(schema, undefined, "body");
  }
  const type = c.req.header("content-type");
  if (!isJsonContentType(type)) {
    throw problems.unsupportedMediaType(
      `this route takes a JSON body: send it with Content-Type: application/json${type ? ` (got "${type.slice(0, 100)}")` : " (none was sent)"}`,
    );
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    invalid("(root)", "utf8", "the body is not valid UTF-8");
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    invalid("(root)", "json", `not valid JSON: ${(err as Error).message}`);
  }
  const deep = bodyIssue(body, { nul: false });
  if (deep) throw problems.validation([deep], "body");
  const inner =
    schema.type === "optional"
      ? (schema as unknown as { wrapped: v.GenericSchema }).wrapped
      : schema;
  if (objectTypes.has(inner.type) && Array.isArray(body)) {
    invalid("(root)", "object", "must be a JSON object, not an array");
  }
  // The route's schema speaks first (it names every field at fault, with the catalog's
  // rules); a NUL it let through, e.g. in a key it ignores, is caught after it.
  const parsed = parseOr400(schema, body, "body");
  const nul = bodyIssue(body, { nul: true });
  if (nul) throw problems.validation([nul], "body");
  return parsed;
}
