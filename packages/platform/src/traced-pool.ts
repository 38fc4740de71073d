import { context, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { PostgresCursor, PostgresPool, PostgresPoolClient } from "kysely";
import type pg from "pg";

// Looked up per use, not once: a provider registered later (or again, in tests and the
// benchmark) is the one that records.
const tracer = () => trace.getTracer("@uaip/platform");

/** Longest `db.statement` kept on a span: a batch insert's text can run to many kilobytes. */
const MAX_STATEMENT = 4096;

const attributes = (sql: string) => ({
  "db.system": "postgresql",
  "db.statement": sql.length > MAX_STATEMENT ? `${sql.slice(0, MAX_STATEMENT)}…` : sql,
});

/**
 * The pg pool as Kysely sees it, with a span per statement (`pg query`, the statement's
 * text with its `$n` placeholders, never the values) and one per transaction (`pg
 * transaction`, from `begin` to `commit` or `rollback`), the statements inside it its
 * children. With tracing off the spans are the API's no-ops.
 *
 * @example
 * new Kysely({ dialect: new PostgresDialect({ pool: tracedPool(new pg.Pool(…)) }) });
 */
export function tracedPool(pool: pg.Pool): PostgresPool {
  return {
    connect: async () => tracedClient(await pool.connect()),
    end: () => pool.end(),
  };
}

function tracedClient(client: pg.PoolClient): PostgresPoolClient {
  let transaction: Span | undefined;
  const query = (sql: string, parameters: readonly unknown[]) => {
    const verb = sql.slice(0, 6).toLowerCase();
    if (verb === "begin" || verb === "start ") {
      transaction = tracer().startSpan("pg transaction", {
        kind: SpanKind.CLIENT,
        attributes: { "db.system": "postgresql" },
      });
      return client.query(sql, [...parameters]);
    }
    const inside = transaction;
    if (inside && (verb === "commit" || verb.startsWith("rollba"))) {
      transaction = undefined;
      return client.query(sql, [...parameters]).then(
        (r) => {
          if (verb !== "commit")
            inside.setStatus({ code: SpanStatusCode.ERROR, message: "rolled back" });
          inside.end();
          return r;
        },
        (err: Error) => {
          inside.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
          inside.end();
          throw err;
        },
      );
    }
    const parent = inside ? trace.setSpan(context.active(), inside) : context.active();
    const span = tracer().startSpan("pg query", { kind: SpanKind.CLIENT }, parent);
    if (span.isRecording()) span.setAttributes(attributes(sql));
    return client.query(sql, [...parameters]).then(
      (r) => {
        span.setAttribute("db.response.returned_rows", r.rowCount ?? 0);
        span.end();
        return r;
      },
      (err: Error) => {
        span.recordException(err);
        span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
        span.end();
        throw err;
      },
    );
  };
  return {
    // Two overloads in one function: the cast states what the branches return.
    query: ((arg: string | PostgresCursor<unknown>, parameters?: readonly unknown[]) =>
      typeof arg === "string"
        ? query(arg, parameters ?? [])
        : // A cursor (Kysely's stream()): passed through untraced.
          client.query(arg as unknown as pg.Submittable)) as unknown as PostgresPoolClient["query"],
    release: () => {
      // A transaction left open on a released client (its connection broke) ends here.
      transaction?.setStatus({ code: SpanStatusCode.ERROR, message: "connection released" });
      transaction?.end();
      transaction = undefined;
      client.release();
    },
  };
}
