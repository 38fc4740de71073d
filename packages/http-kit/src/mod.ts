export type { KeyGate, KeyGateOptions, KeyLookup } from "./auth/key-gate.ts";
export { keyGate } from "./auth/key-gate.ts";
export type {
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
export { errorHandler } from "./error-handler.ts";
export type { AuthorizeOptions } from "./middleware/authorize.ts";
export { authorize } from "./middleware/authorize.ts";
export type { DeadlineOptions } from "./middleware/deadline.ts";
export { deadline } from "./middleware/deadline.ts";
export type { AccessLog, HttpTraceOptions } from "./middleware/http-trace.ts";
export { httpTrace } from "./middleware/http-trace.ts";
export { noBody } from "./middleware/no-body.ts";
export type { ProjectionWait, ReadYourWritesOptions } from "./middleware/read-your-writes.ts";
export { readYourWrites } from "./middleware/read-your-writes.ts";
export { requestInput } from "./middleware/request-input.ts";
export { urlGuard } from "./middleware/url-guard.ts";
export type { MountOptions } from "./mount-routes.ts";
export { mountRoutes } from "./mount-routes.ts";
export type { OpenApiOptions } from "./openapi-document.ts";
export { openApiDocument } from "./openapi-document.ts";
export type { Problem } from "./problem.ts";
export { HttpProblem, ProblemTypeBase, problems } from "./problem.ts";
