import { type JsonSchema, toJsonSchema } from "@valibot/to-json-schema";
import * as v from "valibot";
import type { Route } from "./define-route.ts";

type Json = Record<string, unknown>;

/** The error body of every route, as `problemResponse` writes it. */
export const ProblemSchema = v.pipe(
  v.object({
    type: v.string(),
    title: v.string(),
    status: v.number(),
    detail: v.optional(v.string()),
    errors: v.optional(
      v.array(
        v.object({
          field: v.pipe(v.string(), v.description("Dot path of the field at fault, or (root)")),
          rule: v.pipe(v.string(), v.description("The rule it broke")),
          message: v.string(),
        }),
      ),
    ),
  }),
  v.title("Problem"),
  v.description("RFC 9457 problem details; some problems add fields (e.g. `behind`, `retryAfter`)"),
);

/** What the kit itself may answer on a route, by status; an app may say more (its 503s). */
const standardErrors: Record<number, string> = {
  400: "Invalid request: a malformed URL (bad percent-encoding, invalid UTF-8, a NUL) or a parameter, header or body breaking its rule; `errors` names each field and rule",
  401: "No valid API key (missing, unknown or revoked)",
  403: "The key lacks the route's scope",
  404: "Not found",
  413: "Request body too large",
  415: "The body is not `application/json`, or the route takes no body and one was sent",
  429: "Over the key's rate limit, or too many invalid API keys from this client address; retry after `Retry-After` seconds",
  500: "Internal error (details are in the hub's log, under the request id)",
  503: "A dependency is unreachable, or a projection stayed behind `X-Min-Sequence`; retry after `Retry-After` seconds",
};

function schemaOf(schema: v.GenericSchema, typeMode: "input" | "ignore"): JsonSchema {
  const json = toJsonSchema(schema, { target: "draft-2020-12", typeMode, errorMode: "ignore" });
  delete (json as Json).$schema;
  return json;
}

/** Titled schemas go to components once and are referenced. */
function named(schema: JsonSchema, components: Record<string, JsonSchema>): JsonSchema {
  const title = (schema as Json).title;
  if (typeof title !== "string") return schema;
  components[title] = schema;
  return { $ref: `#/components/schemas/${title}` };
}

function parameters(
  schema: v.GenericSchema | undefined,
  where: "path" | "query" | "header",
): Json[] {
  const entries = (schema as unknown as { entries?: Record<string, v.GenericSchema> } | undefined)
    ?.entries;
  if (!entries) return [];
  return Object.entries(entries).map(([name, entry]) => {
    const json = schemaOf(entry, "input") as Json;
    const { description, ...rest } = json;
    const optional = entry.type === "optional" || entry.type === "nullish";
    return {
      name:
        where === "header"
          ? name.replace(/(^|-)([a-z])/g, (_, d, ch) => d + ch.toUpperCase())
          : name,
      in: where,
      required: where === "path" || !optional,
      ...(typeof description === "string" && { description }),
      schema: rest,
    };
  });
}

const minSequenceParams: Json[] = [
  {
    name: "X-Min-Sequence",
    in: "header",
    required: false,
    description:
      "Read your writes: `<stream>:<sequence>` (comma-separated for several streams), as a write answered. The read waits until the projections behind this route have applied it, or answers 503 saying how far behind they are.",
    schema: { type: "string", pattern: "^[A-Za-z0-9_]+:\\d+(\\s*,\\s*[A-Za-z0-9_]+:\\d+)*$" },
  },
  {
    name: "min_seq",
    in: "query",
    required: false,
    description: "Same as the X-Min-Sequence header",
    schema: { type: "string" },
  },
];

export interface OpenApiOptions {
  readonly info: {
    readonly title: string;
    readonly version: string;
    readonly description?: string;
  };
  /** A description per tag, for the tags the routes use. */
  readonly tags?: Readonly<Record<string, string>>;
  /** Descriptions of the errors every route of a shape may answer, by status, over the kit's. */
  readonly errors?: Readonly<Record<number, string>>;
}

/**
 * The OpenAPI 3.1 document of these routes, built from the valibot schemas they validate
 * with (request schemas in their input form: what a client sends), and the errors the
 * mount layer may answer on each (`mountRoutes`).
 *
 * @example
 * const doc = openApiDocument(routes, { info: { title: "UAIP Hub", version: "0.1.0" } });
 */
export function openApiDocument(routes: readonly Route[], options: OpenApiOptions): Json {
  const { info, tags: tagDocs = {} } = options;
  const errorDocs: Record<number, string> = { ...standardErrors, ...options.errors };
  const components: Record<string, JsonSchema> = { Problem: schemaOf(ProblemSchema, "ignore") };
  const problemRef = { $ref: "#/components/schemas/Problem" };
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) {
    if (route.hidden) continue;
    const responses: Record<string, Json> = {};
    for (const [status, r] of Object.entries(route.responses)) {
      const contentType =
        r.contentType ?? (Number(status) >= 400 ? "application/problem+json" : "application/json");
      const schema = r.schema
        ? named(schemaOf(r.schema, "ignore"), components)
        : Number(status) >= 400
          ? problemRef
          : undefined;
      responses[status] = {
        description: r.description,
        ...(schema && { content: { [contentType]: { schema } } }),
      };
    }
    // What the mount layer can answer on any route of this shape (mount-routes.ts).
    const errors = [
      400, // every URL is checked
      ...(route.scope !== null ? [401, 403, 429] : []),
      ...(route.body ? [413] : []),
      ...(route.body || route.method !== "get" ? [415] : []),
      500,
      // A key is checked in the key store; a projection may stay behind X-Min-Sequence.
      ...(route.reads || route.scope !== null ? [503] : []),
    ];
    for (const status of errors) {
      responses[status] ??= {
        description: errorDocs[status],
        content: { "application/problem+json": { schema: problemRef } },
      };
    }
    paths[route.path] ??= {};
    paths[route.path]![route.method] = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description && { description: route.description }),
      tags: [route.tag],
      parameters: [
        ...parameters(route.params, "path"),
        ...parameters(route.query, "query"),
        ...parameters(route.headers, "header"),
        ...(route.reads ? minSequenceParams : []),
      ],
      ...(route.body && {
        requestBody: {
          required: route.body.type !== "optional",
          content: {
            "application/json": { schema: named(schemaOf(route.body, "input"), components) },
          },
        },
      }),
      responses,
      security:
        route.scope === null
          ? []
          : [{ bearerAuth: [route.scope] }, { apiKeyHeader: [route.scope] }],
    };
  }
  const tags = [...new Set(routes.filter((r) => !r.hidden).map((r) => r.tag))];
  return {
    openapi: "3.1.0",
    info,
    jsonSchemaDialect: "https://spec.openapis.org/oas/3.1/dialect/base",
    tags: tags.map((name) => ({ name, ...(tagDocs[name] && { description: tagDocs[name] }) })),
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          description: "An API key (`uaip keys create`) as `Authorization: Bearer <key>`",
        },
        apiKeyHeader: { type: "apiKey", in: "header", name: "X-API-Key" },
      },
    },
  };
}
