type Json = Record<string, unknown>;
/** A JSON Schema, as the document holds it. */
export type Schema = Json;

export interface Parameter {
  readonly name: string;
  readonly in: "path" | "query" | "header";
  readonly required: boolean;
  readonly schema: Schema;
}

/** One operation of the document, as the fuzzer reads it. */
export interface FuzzOperation {
  readonly method: string;
  readonly path: string;
  readonly operationId: string;
  readonly parameters: readonly Parameter[];
  readonly body?: Schema;
  readonly responses: Readonly<Record<string, unknown>>;
  readonly secured: boolean;
}

/** Every operation of an OpenAPI 3.1 document. */
export function fuzzOperations(document: Json): FuzzOperation[] {
  const components = ((document.components as Json | undefined)?.schemas ?? {}) as Record<
    string,
    Schema
  >;
  const resolve = (s: Schema | undefined): Schema | undefined => {
    const ref = s?.$ref;
    return typeof ref === "string" ? components[ref.split("/").pop() ?? ""] : s;
  };
  const ops: FuzzOperation[] = [];
  for (const [path, methods] of Object.entries(
    document.paths as Record<string, Record<string, Json>>,
  )) {
    for (const [method, op] of Object.entries(methods)) {
      const content = ((op.requestBody as Json | undefined)?.content ?? {}) as Record<string, Json>;
      const body = resolve(content["application/json"]?.schema as Schema | undefined);
      ops.push({
        method: method.toUpperCase(),
        path,
        operationId: String(op.operationId),
        parameters: (op.parameters ?? []) as Parameter[],
        ...(body && { body }),
        responses: op.responses as Record<string, unknown>,
        secured: Array.isArray(op.security) && op.security.length > 0,
      });
    }
  }
  return ops;
}
