import { fieldIssues } from "@uaip/events";
import * as v from "valibot";
import { problems } from "./problem.ts";

/** Parses a part of the request (path, query, body) or throws a 400 naming each field. */
export function parseOr400<S extends v.GenericSchema>(
  schema: S,
  input: unknown,
  where: "path" | "query" | "body" | "header",
): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (!result.success) throw problems.validation(fieldIssues(result.issues), where);
  return result.output;
}
