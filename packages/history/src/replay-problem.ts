import { type HttpProblem, problems } from "@uaip/http-kit";
import { isReplayQueryError } from "./errors.ts";

/**
 * A ReplayQueryError as the HTTP kit answers it: a 400 validation problem naming the query
 * parameter and the rule. Other errors are not history's to map.
 *
 * @example
 * errorHandler({ problems: [replayProblem] });
 */
export function replayProblem(err: unknown): HttpProblem | undefined {
  if (!isReplayQueryError(err)) return undefined;
  return problems.validation([{ field: err.field, rule: err.rule, message: err.detail }], "query");
}
