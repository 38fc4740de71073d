import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { describe, expect, it } from "vitest";
import type { RouteEnv } from "./define-route.ts";
import {
  type ErrorLog,
  errorHandler,
  type ProblemMapping,
  routeNotFound,
} from "./error-handler.ts";
import { HttpProblem, problems } from "./problem.ts";

class ShelfEmptyError extends Error {
  override readonly name = "ShelfEmptyError";
}

const shelfProblem: ProblemMapping = (err) =>
  err instanceof ShelfEmptyError
    ? new HttpProblem({ type: "https://uaip.dev/problems/empty", title: "Empty", status: 409 })
    : undefined;

function appThrowing(err: unknown, logged: unknown[] = []) {
  const logger: ErrorLog = { error: (fields) => logged.push(fields) };
  const app = new Hono<RouteEnv>().use(requestId());
  app.get("/x", () => {
    throw err;
  });
  app.notFound(routeNotFound);
  app.onError(errorHandler({ problems: [shelfProblem], logger }));
  return app;
}

describe("errorHandler", () => {
  it("error handler - an HttpProblem is answered as it says, headers included", async () => {
    const res = await appThrowing(problems.tooManyRequests(3, 10)).request("/x");
    expect(res.status).toBe(429);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.headers.get("retry-after")).toBe("3");
    expect(await res.json()).toMatchObject({ status: 429, retryAfter: 3 });
  });

  it("error handler - a package's own error is answered as its mapping says", async () => {
    const res = await appThrowing(new ShelfEmptyError("none left")).request("/x");
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({
      type: "https://uaip.dev/problems/empty",
      title: "Empty",
      status: 409,
    });
  });

  it("error handler - anything else is a 500 naming the request id, its internals only in the log", async () => {
    const logged: unknown[] = [];
    const res = await appThrowing(new Error("select * from secrets"), logged).request("/x", {
      headers: { "x-request-id": "req-7" },
    });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({
      type: "https://uaip.dev/problems/internal",
      title: "Internal error",
      status: 500,
      detail: "request req-7 failed; see the hub's log",
    });
    expect(text).not.toContain("secrets");
    expect(logged).toEqual([expect.objectContaining({ requestId: "req-7" })]);
  });

  it("error handler - Hono's own 4xx keep their status; an unknown route is a 404 problem", async () => {
    const res = await appThrowing(new HTTPException(408, { message: "slow" })).request("/x");
    expect(res.status).toBe(408);
    expect(await res.json()).toMatchObject({ type: "https://uaip.dev/problems/http" });
    const missing = await appThrowing(new Error()).request("/nowhere", { method: "PUT" });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ detail: "no route PUT /nowhere" });
  });
});
