import type { StreamKind } from "@uaip/events";
import type { Context, MiddlewareHandler } from "hono";
import type { ProjectionRef, RouteEnv } from "../define-route.ts";
import { parseMinSequence } from "../min-sequence.ts";

/**
 * Waits until every projection in `reads` whose stream is in `minSeq` has applied that
 * sequence; throws an HttpProblem (503, saying how far behind) when it stays behind. The
 * API's waits on PostgreSQL checkpoints; the kit only calls it.
 */
export type ProjectionWait = (
  reads: readonly ProjectionRef[],
  minSeq: ReadonlyMap<StreamKind, number>,
) => Promise<void>;

export interface ReadYourWritesOptions {
  /** The projections behind the route's answer. */
  readonly reads: readonly ProjectionRef[];
  readonly wait: ProjectionWait;
  /** The hub's namespace: a stream may be named in full (`UAIP_DEVICES`). */
  readonly namespace: string;
}

/**
 * The sequences a reader asks to see: `X-Min-Sequence` and `?min_seq=` (`devices:120`,
 * comma-separated, stream kinds or full names), the higher per stream; a 400 naming the
 * header or parameter for anything else.
 */
export function requestedSequences(c: Context, namespace: string): Map<StreamKind, number> {
  const fromHeader = parseMinSequence(c.req.header("x-min-sequence"), namespace, "header");
  const minSeq = parseMinSequence(c.req.query("min_seq"), namespace, "query");
  for (const [k, seq] of fromHeader) minSeq.set(k, Math.max(minSeq.get(k) ?? 0, seq));
  return minSeq;
}

/**
 * Read your writes: holds a read until the projections behind it have passed the sequences
 * the client asked to see, or answers 503 saying how far behind they are. A stream the route
 * does not read is ignored. The sequences come from the route's parsed input when
 * `requestInput` ran before (it parses them with the other parts, in order), else from the
 * request itself.
 *
 * @example
 * app.get("/api/v1/devices", readYourWrites({ reads: [devicesProjection], wait, namespace }), list);
 * // GET /api/v1/devices with X-Min-Sequence: devices:120 → waits for devices ≥ 120, or 503
 */
export function readYourWrites(options: ReadYourWritesOptions): MiddlewareHandler<RouteEnv> {
  const { reads, wait, namespace } = options;
  return async function readYourWritesMiddleware(c, next) {
    const minSeq = c.get("input")?.minSeq ?? requestedSequences(c, namespace);
    if (minSeq.size > 0) await wait(reads, minSeq);
    await next();
  };
}
