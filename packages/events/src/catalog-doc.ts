import { toJsonSchema } from "@valibot/to-json-schema";
import { catalog, EventTypes } from "./catalog.ts";

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  additionalProperties?: JsonSchema | boolean;
}

/** The JSON Schema of an event type's current `data`, as the OpenAPI document uses it too. */
export function eventDataJsonSchema(type: keyof typeof catalog): JsonSchema {
  return toJsonSchema(catalog[type].data, { errorMode: "ignore" }) as JsonSchema;
}

/**
 * Renders docs/events.md from the catalog. A test compares the committed file with this
 * output, so the document cannot drift from the schemas (`npm run docs` rewrites it).
 */
export function renderCatalogDoc(namespace = "uaip"): string {
  const out: string[] = [
    "# Event catalog",
    "",
    "<!-- Generated from packages/events/src/catalog.ts by `npm run docs`. Do not edit by hand. -->",
    "",
    "Every event is a JSON envelope. A publisher may leave out everything but `data`: the hub",
    "then takes the id from the `Nats-Msg-Id` header (or the stream sequence), the type and",
    "device id from the subject, the time from the stream, and `v` as the current version.",
    "",
    "| field | type | rule |",
    "|---|---|---|",
    "| `id` | string | 1-128 characters; a device also sends it as `Nats-Msg-Id` (the hub sends a keyed hash of it) so a retried publish is stored once |",
    "| `type` | string | one of the types below; must match the subject |",
    "| `v` | integer | schema version of `data`; older versions are upcast on read |",
    "| `deviceId` | string | 1-64 of `A-Z a-z 0-9 _ -`; must match the subject |",
    "| `occurredAt` | string | ISO 8601 time on the device's clock |",
    "| `source` | string | `device`, `operator` or `hub`: who appended it, as the subject says (a hub append ends in `.operator` or `.hub`); a body that claims otherwise is rejected; only a device's own events count as seen |",
    "| `data` | object | per type, below |",
    "",
    "Text fields hold no control characters (U+0000-U+001F, U+007F; reasons, messages and",
    "metadata values may hold tab and newline) and no lone surrogates; opaque JSON (command",
    "`params`, `result`) holds no U+0000 and no lone surrogate. A payload that is not UTF-8",
    "is rejected (`invalid_utf8`).",
    "",
    "The subjects below are a device's own. What the hub appends goes on the same subject plus",
    "an origin token: `.operator` for an operator's writes through the API, `.hub` for the",
    "dispatcher's and the presence watchdog's (e.g. `uaip.device.<deviceId>.registered.operator`,",
    "`uaip.command.<deviceId>.<commandId>.expired.hub`). No device permission allows those.",
    "",
    "| type | stream | subject | version |",
    "|---|---|---|---|",
  ];
  for (const type of EventTypes) {
    const def = catalog[type];
    out.push(
      `| [\`${type}\`](#${type.replace(/\./g, "")}) | ${def.stream} | \`${subjectPattern(namespace, type)}\` | ${def.version} |`,
    );
  }
  for (const type of EventTypes) {
    const def = catalog[type];
    const schema = eventDataJsonSchema(type);
    out.push("", `## ${type}`, "", def.description, "");
    out.push(
      `Stream \`${def.stream}\`, subject \`${subjectPattern(namespace, type)}\`, current version ${def.version}.`,
    );
    const older = Object.keys(def.upcasters);
    if (older.length > 0)
      out.push(`Older versions upcast on read: ${older.map((n) => `v${n}`).join(", ")}.`);
    out.push("", "| field | type | required | rule |", "|---|---|---|---|");
    for (const [name, prop] of Object.entries(schema.properties ?? {})) {
      const required = schema.required?.includes(name) ? "yes" : "no";
      out.push(`| \`${name}\` | ${typeName(prop)} | ${required} | ${rule(prop)} |`);
    }
    out.push("", "```json", JSON.stringify(def.example), "```");
  }
  return `${out.join("\n")}\n`;
}

function subjectPattern(ns: string, type: keyof typeof catalog): string {
  const def = catalog[type];
  if (def.stream === "telemetry") return `${ns}.telemetry.<deviceId>`;
  if (def.stream === "commands") return `${ns}.command.<deviceId>.<commandId>.${def.subjectToken}`;
  return `${ns}.device.<deviceId>.${def.subjectToken}`;
}

function typeName(s: JsonSchema): string {
  if (s.enum) return "enum";
  if (s.anyOf) return s.anyOf.map(typeName).join(" \\| ");
  if (Array.isArray(s.type)) return s.type.join(" \\| ");
  if (s.type === "array" && s.items) return `${typeName(s.items)}[]`;
  return s.type ?? "any";
}

function rule(s: JsonSchema): string {
  const parts: string[] = [];
  if (s.enum) parts.push(s.enum.map((e) => `\`${String(e)}\``).join(", "));
  if (s.pattern) parts.push(`pattern \`${s.pattern.replace(/\|/g, "\\|")}\``);
  if (s.format) parts.push(s.format);
  if (s.minLength !== undefined) parts.push(`min length ${s.minLength}`);
  if (s.maxLength !== undefined) parts.push(`max length ${s.maxLength}`);
  if (s.minimum !== undefined) parts.push(`≥ ${s.minimum}`);
  if (s.type === "object" && s.additionalProperties && typeof s.additionalProperties === "object") {
    parts.push(`values: ${typeName(s.additionalProperties)}`);
  }
  if (s.anyOf) parts.push(...s.anyOf.map(rule).filter(Boolean));
  return parts.join("; ");
}
