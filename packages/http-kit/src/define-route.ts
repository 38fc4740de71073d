import type { StreamKind } from "@uaip/events";
import type { Context } from "hono";
import type * as v from "valibot";
import type { ProblemMapping } from "./error-handler.ts";

/** What a key may do: `read` queries, `write` appends events, `admin` manages keys. */
export const Scopes = ["read", "write", "admin"] as const;
export type Scope = (typeof Scopes)[number];

/** A key the authorize middleware verified: who is asking, and what they may do. */
export interface VerifiedKey {
  readonly id: string;
  /** A label for people, e.g. recorded as who issued a command. */
  readonly name: string;
  readonly scopes: readonly Scope[];
}

/** Hono's per-request variables on an app whose routes the kit mounts. */
export type RouteEnv = {
  Variables: {
    /** Set by Hono's `requestId()` middleware, which the app installs first. */
    requestId: string;
    /** The verified key, when auth is on and the route needs one. */
    apiKey?: VerifiedKey;
    /** The route's OpenAPI path (`/api/v1/devices/{id}`): the `route` label of the HTTP metrics. */
    route?: string;
    /** The request's parts, parsed by the route's schemas (see `requestInput`). */
    input?: ParsedInput;
  };
};

export type RouteContext = Context<RouteEnv>;

type Schema = v.GenericSchema;
type Out<S> = S extends Schema ? v.InferOutput<S> : undefined;

/** A projection a route reads, so `X-Min-Sequence` knows whose checkpoint to wait for. */
export interface ProjectionRef {
  readonly name: string;
  readonly stream: StreamKind;
}

export interface ResponseSpec {
  readonly description: string;
  /** The body's schema, for the document (and for tests to check real answers against). */
  readonly schema?: Schema;
  /** Defaults to `application/json`. */
  readonly contentType?: string;
}

/** The parsed request a handler gets: every part already validated by its schema. */
export interface RouteInput<P, Q, B, H> {
  readonly params: Out<P>;
  readonly query: Out<Q>;
  readonly body: Out<B>;
  readonly headers: Out<H>;
  /** Sequences the caller asked to see (`X-Min-Sequence`), by stream; already waited for. */
  readonly minSeq: ReadonlyMap<StreamKind, number>;
}

/**
 * One route, declared once: the same object mounts the handler (auth, validation,
 * read-your-writes, deadline) and describes the operation in the OpenAPI document.
 */
export interface RouteSpec<
  P extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  B extends Schema | undefined = undefined,
  H extends Schema | undefined = undefined,
> {
  readonly method: "get" | "post" | "put" | "patch" | "delete";
  /** OpenAPI form, `{name}` for parameters: `/api/v1/devices/{id}`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: string;
  /** The scope a key needs; `null` for an open route. */
  readonly scope: Scope | null;
  /** Path parameters: an object schema whose keys are the `{name}`s of the path. */
  readonly params?: P;
  /** Query string: an object schema of strings in, typed values out. */
  readonly query?: Q;
  /** JSON body; wrapped in `v.optional`, an empty body is accepted (and parsed as absent). */
  readonly body?: B;
  /** Request headers the route reads (names in lowercase). */
  readonly headers?: H;
  /** Projections behind the answer; their checkpoints gate `X-Min-Sequence`. */
  readonly reads?: readonly ProjectionRef[];
  /**
   * The route reads or appends the event log: while the NATS connection is known to be down
   * it answers 503 `nats-unavailable` at once instead of waiting out a publish or request
   * timeout. Defaults to true for `write`-scope routes (the scope that appends events).
   */
  readonly needsNats?: boolean;
  /** A long-lived response (Server-Sent Events): no request deadline. */
  readonly streaming?: boolean;
  /**
   * A long-poll: how many ms this request may wait on purpose (e.g. its `?wait=`), added to
   * the request deadline, so the wait is not cut while a stuck database still is.
   */
  readonly waitsUpToMs?: (input: RouteInput<P, Q, B, H>) => number;
  /** Largest body this route takes, when below the app's `bodyLimitBytes` (larger: 413). */
  readonly bodyLimitBytes?: number;
  /**
   * Query parameters that hold comma-separated lists and may also be repeated: the schema
   * gets every value joined with commas (`?type=a&type=b,c` as `?type=a,b,c`). Any other
   * parameter sent twice counts once, its first value.
   */
  readonly listQuery?: readonly string[];
  /** Leave out of the OpenAPI document (the docs page's own assets). */
  readonly hidden?: boolean;
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  /**
   * The errors of the route's own package, as problems (the write side's conflicts, history's
   * bad replay queries): mounting registers it with the app's one error handler.
   */
  readonly problems?: ProblemMapping;
  readonly handler: (
    c: RouteContext,
    input: RouteInput<P, Q, B, H>,
  ) => Response | Promise<Response>;
}

/** A route with its types erased, as the registry holds it. */
export type Route = Omit<
  RouteSpec,
  "handler" | "params" | "query" | "body" | "headers" | "waitsUpToMs"
> & {
  readonly params?: Schema;
  readonly query?: Schema;
  readonly body?: Schema;
  readonly headers?: Schema;
  readonly waitsUpToMs?: (input: ParsedInput) => number;
  readonly handler: (c: RouteContext, input: ParsedInput) => Response | Promise<Response>;
};

/** The input as `requestInput` builds it, before the route's types are put back. */
export interface ParsedInput {
  readonly params: unknown;
  readonly query: unknown;
  readonly body: unknown;
  readonly headers: unknown;
  readonly minSeq: ReadonlyMap<StreamKind, number>;
}

/**
 * Declares a route; the handler's input is typed from the schemas.
 *
 * @example
 * defineRoute({
 *   method: "get", path: "/api/v1/commands/{id}", operationId: "getCommand",
 *   summary: "One command", tag: "commands", scope: "read",
 *   params: v.object({ id: CommandIdSchema }),
 *   responses: { 200: { description: "the command", schema: CommandViewSchema } },
 *   handler: async (c, { params }) => c.json(await findCommand(params.id)),
 * });
 */
export function defineRoute<
  P extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  B extends Schema | undefined = undefined,
  H extends Schema | undefined = undefined,
>(spec: RouteSpec<P, Q, B, H>): Route {
  return spec as unknown as Route;
}
