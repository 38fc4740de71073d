export type { KeyGate, KeyGateOptions, KeyLookup } from "./auth/key-gate.ts";
export { keyGate } from "./auth/key-gate.ts";
export type { RateLimiter } from "./auth/rate-limiter.ts";
export { rateLimiter } from "./auth/rate-limiter.ts";
export type {
  ParsedInput,
  ProjectionRef,
  ResponseSpec,
  Route,
  RouteContext,
  RouteEnv,
  RouteInput,
  RouteSpec,
  Scope,
  VerifiedKey,
} from "./define-route.ts";
export { defineRoute, Scopes } from "./define-route.ts";
export type { ErrorHandlerOptions, ErrorLog, ProblemMapping } from "./error-handler.ts";
export { errorHandler, routeNotFound } from "./error-handler.ts";
export type { AuthorizeOptions } from "./middleware/authorize.ts";
export { authorize, presentedKey } from "./middleware/authorize.ts";
export type { DeadlineOptions } from "./middleware/deadline.ts";
export { deadline } from "./middleware/deadline.ts";
export { noBody } from "./middleware/no-body.ts";
export type { ProjectionWait, ReadYourWritesOptions } from "./middleware/read-your-writes.ts";
export { readYourWrites, requestedSequences } from "./middleware/read-your-writes.ts";
export { requestInput } from "./middleware/request-input.ts";
export { urlGuard, urlIssues } from "./middleware/url-guard.ts";
export { parseMinSequence } from "./min-sequence.ts";
export type { MountOptions } from "./mount-routes.ts";
export { honoPath, mountRoutes } from "./mount-routes.ts";
export type { OpenApiOptions } from "./openapi-document.ts";
export { openApiDocument, ProblemSchema } from "./openapi-document.ts";
export { parseOr400 } from "./parse-or-400.ts";
export type { Problem } from "./problem.ts";
export { HttpProblem, ProblemTypeBase, problemResponse, problems } from "./problem.ts";
export { isJsonContentType, MaxBodyDepth, readJsonBody } from "./request-body.ts";
