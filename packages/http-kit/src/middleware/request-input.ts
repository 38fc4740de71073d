import type { MiddlewareHandler } from "hono";
import type { Route, RouteEnv } from "../define-route.ts";
import { parseOr400 } from "../parse-or-400.ts";
import { readJsonBody } from "../request-body.ts";
import { requestedSequences } from "./read-your-writes.ts";

type InputSchemas = Pick<Route, "params" | "query" | "headers" | "body" | "listQuery">;

/**
 * Parses the request's parts by the route's schemas, each once, into `c.var.input`: first
 * the sequences it asks to see (`X-Min-Sequence`, `?min_seq=`, taken out of the query),
 * then path, query, headers and the JSON body, the first part at fault answering 400 with
 * every field it got wrong (415 for a body that is not JSON). A part without a schema is
 * `undefined`, its input ignored.
 *
 * @example
 * app.get("/api/v1/devices/:id", requestInput({ params: v.object({ id: DeviceIdSchema }) }, "uaip"),
 *   (c) => c.json(find(c.var.input!.params)));
 */
export function requestInput(route: InputSchemas, namespace: string): MiddlewareHandler<RouteEnv> {
  const lists = route.listQuery ?? [];
  return async function requestInputMiddleware(c, next) {
    const minSeq = requestedSequences(c, namespace);
    const { min_seq: _, ...query } = c.req.query();
    for (const name of lists) {
      const all = c.req.queries(name);
      if (all && all.length > 1) query[name] = all.join(",");
    }
    c.set("input", {
      params: route.params ? parseOr400(route.params, c.req.param(), "path") : undefined,
      query: route.query ? parseOr400(route.query, query, "query") : undefined,
      headers: route.headers ? parseOr400(route.headers, c.req.header(), "header") : undefined,
      body: route.body ? await readJsonBody(c, route.body) : undefined,
      minSeq,
    });
    await next();
  };
}
