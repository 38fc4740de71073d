import type { MiddlewareHandler } from "hono";
import type { RouteEnv } from "../define-route.ts";
import { problems } from "../problem.ts";

/**
 * Refuses a body on a route that takes none (a DELETE or a POST action), from the headers
 * alone so the body is never read: 415, since no media type is acceptable there. An empty
 * body (`Content-Length: 0`) passes.
 *
 * @example
 * app.delete("/api/v1/keys/:id", noBody(), (c) => c.json(revoke(c.req.param("id"))));
 */
export function noBody(): MiddlewareHandler<RouteEnv> {
  return async function noBodyMiddleware(c, next) {
    const length = c.req.header("content-length");
    const chunked = c.req.header("transfer-encoding");
    if ((length !== undefined && length.trim() !== "0") || chunked !== undefined) {
      throw problems.unsupportedMediaType("this route takes no request body: send none");
    }
    await next();
  };
}
