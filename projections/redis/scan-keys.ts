import type { Redis } from "ioredis";

/**
 * The rest of every key name starting with `prefix`, found with SCAN (never KEYS, so Redis
 * is not blocked however many keys it holds). Glob characters in the prefix match literally.
 *
 * @example
 * await scanSuffixes(redis, "hub:device:"); // ["thermo-42", …]
 */
export async function scanSuffixes(redis: Pick<Redis, "scan">, prefix: string): Promise<string[]> {
  const found = new Set<string>();
  let cursor = "0";
  do {
    const [next, batch] = await redis.scan(
      cursor,
      "MATCH",
      `${globEscape(prefix)}*`,
      "COUNT",
      1000,
    );
    for (const key of batch) found.add(key.slice(prefix.length));
    cursor = next;
  } while (cursor !== "0");
  return [...found];
}

const globEscape = (text: string) => text.replace(/[*?[\]\\]/g, "\\$&");
