import { type StreamKind, StreamKinds, streamName } from "@uaip/events";
import { problems } from "./problem.ts";

/**
 * Parses what a reader asks to see: `<stream>:<seq>` entries, comma-separated, where the
 * stream is its kind (`devices`) or its full name (`UAIP_DEVICES`). The highest sequence
 * per stream wins. Throws a 400 naming `where` for anything else.
 *
 * @example
 * parseMinSequence("devices:120, commands:7", "uaip", "header"); // Map { devices → 120, commands → 7 }
 */
export function parseMinSequence(
  raw: string | undefined,
  namespace: string,
  where: "header" | "query",
): Map<StreamKind, number> {
  const out = new Map<StreamKind, number>();
  if (raw === undefined || raw.trim() === "") return out;
  const field = where === "header" ? "X-Min-Sequence" : "min_seq";
  for (const entry of raw.split(",")) {
    const m = /^\s*([A-Za-z0-9_]+):(\d{1,15})\s*$/.exec(entry);
    const kind = m && StreamKinds.find((k) => k === m[1] || streamName(namespace, k) === m[1]);
    if (!m || !kind) {
      throw problems.validation(
        [
          {
            field,
            rule: "min_sequence",
            message: `"${entry.trim()}" is not <stream>:<sequence> with a stream among ${StreamKinds.join(", ")}`,
          },
        ],
        where,
      );
    }
    out.set(kind, Math.max(out.get(kind) ?? 0, Number(m[2])));
  }
  return out;
}
