/** Variable parts of a message, most specific first, each replaced by its placeholder. */
const variableParts: readonly [RegExp, string][] = [
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "<uuid>"],
  [/"[^"]*"|'[^']*'|`[^`]*`/g, '"<str>"'],
  [/\b[0-9A-HJKMNP-TV-Z]{26}\b/g, "<ulid>"],
  [/\b[0-9a-f]{12,}\b/gi, "<hex>"],
  [/\b[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*[-_]\d[\w-]*\b/gi, "<id>"],
  [/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, "<addr>"],
  [/-?\b\d+(?:\.\d+)?(?:ms|s|m|h|d)?\b/g, "<n>"],
];

/**
 * A message with its variable parts (uuids, ids, hex, quoted values, addresses, numbers)
 * replaced by placeholders, so the same error from many devices or requests counts once.
 *
 * @example
 * messageShape('device "lamp-7" timed out after 5000 ms'); // 'device "<str>" timed out after <n> ms'
 */
export function messageShape(message: string): string {
  let s = message.length > 500 ? message.slice(0, 500) : message;
  for (const [pattern, placeholder] of variableParts) s = s.replace(pattern, placeholder);
  return s;
}
