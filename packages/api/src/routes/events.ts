import { eventsRoute } from "@uaip/history";
import type { Route } from "@uaip/http-kit";
import type { ApiServices } from "../api-services.ts";

/** `GET /events`: the log itself, filtered and paged, as NDJSON (@uaip/history's route). */
export function eventRoutes(s: ApiServices): Route[] {
  return [
    eventsRoute({
      // Over the API's bounded JetStream handles, so a stuck NATS fails the request in seconds.
      log: s.jsm.then((jsm) => ({ js: s.js, jsm, namespace: s.deps.namespace })),
      // A NATS connection dropping while the replay opens fails the request at once.
      guard: (open, onLate) => s.nats.whileUp(open, onLate),
    }),
  ];
}
