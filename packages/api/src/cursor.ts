import { problems } from "@uaip/http-kit";

/**
 * Opaque page cursors: the sort key of the last item given, as base64url JSON. The order
 * is total (it ends with a unique key), so walking pages never repeats or skips an item that
 * existed when the walk started, whatever is added meanwhile.
 *
 * @example
 * const next = encodeCursor(["thermo-42"]); // "WyJ0aGVybW8tNDIiXQ"
 * decodeCursor(next, 1); // ["thermo-42"]
 */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

/** The sort key in a cursor; a 400 naming `cursor` when it is not one this API gave out. */
export function decodeCursor(cursor: string, length: number): (string | number)[] {
  try {
    const key = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (
      Array.isArray(key) &&
      key.length === length &&
      key.every((k) => typeof k === "string" || typeof k === "number")
    ) {
      return key;
    }
  } catch {
    // reported below
  }
  throw problems.validation(
    [{ field: "cursor", rule: "cursor", message: "not a cursor this API gave out" }],
    "query",
  );
}
