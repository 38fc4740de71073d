import { fieldIssues } from "@uaip/events";
import * as v from "valibot";
import { InvalidInputError } from "./write-errors.ts";

/** Parses `input` or throws InvalidInputError naming each field (prefixed with `field`, if given). */
export function parseInput<S extends v.GenericSchema>(
  schema: S,
  input: unknown,
  where: InvalidInputError["where"],
  field?: string,
): v.InferOutput<S> {
  const result = v.safeParse(schema, input);
  if (!result.success) throw new InvalidInputError(fieldIssues(result.issues, field), where);
  return result.output;
}
