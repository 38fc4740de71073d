import { defineRoute, type Route } from "@uaip/http-kit";
import { projectionStatus } from "@uaip/projector";
import * as v from "valibot";
import type { ApiServices } from "../api-services.ts";
import { projectionSources } from "../projection-sources.ts";

export const ProjectionStatusSchema = v.pipe(
  v.object({
    name: v.string(),
    stream: v.string(),
    checkpoint: v.pipe(v.number(), v.description("Last stream sequence applied")),
    streamLastSeq: v.number(),
    pending: v.pipe(v.number(), v.description("Events in the stream after the checkpoint")),
    lagSeconds: v.pipe(v.number(), v.description("Age of the oldest event not applied yet")),
    eventsPerSecond: v.number(),
    state: v.picklist(["running", "stopped"]),
    owner: v.nullable(v.string()),
  }),
  v.title("ProjectionStatus"),
);

/** `GET /projections`: where each read model stands against its stream. */
export function projectionRoutes(s: ApiServices): Route[] {
  return [
    defineRoute({
      method: "get",
      path: "/api/v1/projections",
      operationId: "listProjections",
      summary: "Each projection's checkpoint, lag and state",
      tag: "fleet",
      scope: "read",
      responses: {
        200: {
          description: "One entry per projection",
          schema: v.object({ items: v.array(ProjectionStatusSchema) }),
        },
      },
      handler: async (c) =>
        c.json({
          items: await projectionStatus(
            s.db,
            s.deps.jsm,
            s.deps.namespace,
            projectionSources(s.deps.redis, s.deps.namespace),
          ),
        }),
    }),
  ];
}
