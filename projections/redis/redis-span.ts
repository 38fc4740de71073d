import { type Attributes, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";

/**
 * Runs one Redis round trip in a client span (`redis pipeline`, `redis script commit_batch`)
 * under the active one; an error reply marks it failed. With tracing off, the API's no-op.
 *
 * @example
 * await redisSpan("redis pipeline", { "db.operation.batch.size": 3 }, () => pipeline.exec());
 */
export function redisSpan<T>(
  name: string,
  attributes: Attributes,
  fn: () => Promise<T>,
): Promise<T> {
  return trace
    .getTracer("@uaip/projections")
    .startActiveSpan(
      name,
      { kind: SpanKind.CLIENT, attributes: { "db.system": "redis", ...attributes } },
      async (span) => {
        try {
          return await fn();
        } catch (err) {
          span.recordException(err as Error);
          span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
          throw err;
        } finally {
          span.end();
        }
      },
    );
}
