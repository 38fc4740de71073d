import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { defineRoute } from "./define-route.ts";
import { openApiDocument } from "./openapi-document.ts";

// biome-ignore lint/suspicious/noExplicitAny: the document is JSON the assertions read
type Json = any;

const Thing = v.pipe(v.object({ id: v.string() }), v.title("Thing"));
const routes = [
  defineRoute({
    method: "get",
    path: "/things/{id}",
    operationId: "getThing",
    summary: "One thing",
    tag: "things",
    scope: "read",
    params: v.object({ id: v.pipe(v.string(), v.description("Its id")) }),
    query: v.object({ n: v.optional(v.pipe(v.string(), v.regex(/^\d+$/), v.transform(Number))) }),
    reads: [{ name: "things", stream: "devices" }],
    responses: { 200: { description: "the thing", schema: Thing } },
    handler: (c) => c.json({}),
  }),
  defineRoute({
    method: "delete",
    path: "/things/{id}",
    operationId: "dropThing",
    summary: "Drop it",
    tag: "things",
    scope: null,
    params: v.object({ id: v.string() }),
    body: v.optional(v.object({ reason: v.optional(v.string()) }), {}),
    responses: { 200: { description: "dropped" } },
    handler: (c) => c.json({}),
  }),
  defineRoute({
    method: "get",
    path: "/hidden",
    operationId: "hidden",
    summary: "not listed",
    tag: "other",
    scope: null,
    hidden: true,
    responses: { 200: { description: "x" } },
    handler: (c) => c.json({}),
  }),
];

describe("openApiDocument", () => {
  const doc: Json = openApiDocument(routes, {
    info: { title: "T", version: "1" },
    tags: { things: "Things" },
    errors: { 503: "The shelf is unreachable" },
  });

  it("openapi - parameters in their input form, titled schemas as components, the read-your-writes parameters", () => {
    const get = doc.paths["/things/{id}"].get;
    expect(get.parameters.map((p: Json) => `${p.in} ${p.name} ${p.required}`)).toEqual([
      "path id true",
      "query n false",
      "header X-Min-Sequence false",
      "query min_seq false",
    ]);
    expect(get.parameters[0]).toMatchObject({ description: "Its id", schema: { type: "string" } });
    expect(get.parameters[1].schema).toEqual({ type: "string", pattern: "^\\d+$" });
    expect(get.responses["200"].content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/Thing",
    });
    expect(doc.components.schemas.Thing).toMatchObject({ type: "object", title: "Thing" });
    expect(get.security).toEqual([{ bearerAuth: ["read"] }, { apiKeyHeader: ["read"] }]);
  });

  it("openapi - the errors the mount layer may answer, by the route's shape; the app's words over the kit's", () => {
    const get = doc.paths["/things/{id}"].get;
    expect(Object.keys(get.responses).sort()).toEqual(
      ["200", "400", "401", "403", "429", "500", "503"].sort(),
    );
    expect(get.responses["503"].description).toBe("The shelf is unreachable");
    const del = doc.paths["/things/{id}"].delete;
    expect(Object.keys(del.responses).sort()).toEqual(["200", "400", "413", "415", "500"]);
    expect(del.requestBody.required).toBe(false);
    expect(del.security).toEqual([]);
  });

  it("openapi - hidden routes and their tags are left out", () => {
    expect(doc.paths["/hidden"]).toBeUndefined();
    expect(doc.tags).toEqual([{ name: "things", description: "Things" }]);
    expect(doc.openapi).toBe("3.1.0");
  });
});
