import * as v from "valibot";

/**
 * The characters no text field of an event may hold. U+0000 is the one that hurts most:
 * PostgreSQL's `text` and `jsonb` cannot store it, so an event carrying it would be in the
 * log and in Redis but never in the read models. The other C0 controls and DEL have no
 * business in a name or a label either. Free text (reasons, messages, metadata values)
 * may hold tab, line feed and carriage return.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const controlInLabel = /[\u0000-\u001f\u007f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const controlInFreeText = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * `s` with what a text field may not hold written as `\u0000`: control characters (in free
 * text, all but tab, LF and CR) and lone surrogates. For messages that quote input (a dead
 * letter's reason must be storable itself) and for error text a device reports.
 *
 * @example
 * printable("a\u0000b"); // "a\\u0000b"
 */
export function printable(s: string, opts: { freeText?: boolean } = {}): string {
  const control = opts.freeText ? controlInFreeText : controlInLabel;
  return s.replace(
    new RegExp(`${control.source}|${loneSurrogate.source}`, "g"),
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** Where a bad character sits, as `U+0000 at 3`, so a message names it without echoing it. */
function describeFirst(text: string, pattern: RegExp): string {
  const i = text.search(pattern);
  const code = text.charCodeAt(i).toString(16).toUpperCase().padStart(4, "0");
  return `U+${code} at ${i}`;
}

/** Adds an issue whose `type` (the rule a problem+json or dead letter names) is `rule`. */
function addRuleIssue(
  rule: string,
  message: string,
  dataset: v.UnknownDataset | v.OutputDataset<unknown, v.BaseIssue<unknown>>,
  config: v.Config<v.BaseIssue<unknown>>,
  path?: [v.IssuePathItem, ...v.IssuePathItem[]],
): void {
  const context = { kind: "validation", type: rule, reference: addRuleIssue, expects: null };
  // biome-ignore lint/suspicious/noExplicitAny: valibot's Context type wants a full action; this is its runtime subset
  v._addIssue(context as any, "characters", dataset, config as any, {
    message,
    ...(path ? { path } : {}),
  });
}

/** A string check with a rule name of its own, built like valibot's `check`. */
function textRule(
  rule: string,
  test: (s: string) => boolean,
  message: (s: string) => string,
): v.BaseValidation<string, string, v.BaseIssue<string>> {
  return {
    kind: "validation",
    type: rule,
    reference: textRule,
    async: false,
    expects: null,
    "~run"(dataset, config) {
      if (dataset.typed && !test(dataset.value)) {
        addRuleIssue(
          rule,
          message(dataset.value),
          dataset,
          config as v.Config<v.BaseIssue<unknown>>,
        );
      }
      return dataset;
    },
  };
}

/** Rule `well_formed_unicode`: no lone surrogate (JSON allows `"\ud800"`; UTF-8 and PostgreSQL do not). */
export const wellFormedUnicode = () =>
  textRule(
    "well_formed_unicode",
    (s) => !loneSurrogate.test(s),
    () => "must be well-formed Unicode (it holds a lone surrogate)",
  );

/** Rule `no_control_characters`: none of U+0000-U+001F or U+007F (free text: tab, LF, CR allowed). */
export const noControlCharacters = (freeText = false) => {
  const pattern = freeText ? controlInFreeText : controlInLabel;
  return textRule(
    "no_control_characters",
    (s) => !pattern.test(s),
    (s) =>
      `must not contain control characters${freeText ? " other than tab and newline" : ""} (found ${describeFirst(s, pattern)})`,
  );
};

/**
 * A string field of an event: no control characters (see above), well-formed Unicode, and
 * the given length. Every string of the catalog goes through this or through a stricter
 * token pattern (DeviceIdSchema, NameTokenSchema).
 *
 * @example
 * const Name = TextSchema({ min: 1, max: 128 });
 * v.safeParse(Name, "a\u0000b"); // issue rule "no_control_characters": "… (found U+0000 at 1)"
 */
export function TextSchema(opts: { min?: number; max: number; freeText?: boolean }) {
  const characters = noControlCharacters(opts.freeText ?? false);
  return opts.min
    ? v.pipe(
        v.string(),
        characters,
        wellFormedUnicode(),
        v.minLength(opts.min),
        v.maxLength(opts.max),
      )
    : v.pipe(v.string(), characters, wellFormedUnicode(), v.maxLength(opts.max));
}

/** Deepest nesting JsonValueSchema walks; a hostile body could go deeper than the stack. */
const MaxDepth = 64;

const storableJson: v.BaseValidation<unknown, unknown, v.BaseIssue<unknown>> = {
  kind: "validation",
  type: "storable_json",
  reference: textRule,
  async: false,
  expects: null,
  "~run"(dataset, config) {
    if (!dataset.typed) return dataset;
    const cfg = config as v.Config<v.BaseIssue<unknown>>;
    const walk = (value: unknown, path: v.IssuePathItem[], depth: number): void => {
      const at = path.length > 0 ? (path as [v.IssuePathItem, ...v.IssuePathItem[]]) : undefined;
      if (typeof value === "string") {
        const bad = badJsonString(value);
        if (bad) addRuleIssue(bad.rule, bad.message, dataset, cfg, at);
        return;
      }
      if (value === null || typeof value !== "object") return;
      if (depth >= MaxDepth) {
        addRuleIssue("max_depth", `must not nest deeper than ${MaxDepth} levels`, dataset, cfg, at);
        return;
      }
      const entries: [string | number, unknown][] = Array.isArray(value)
        ? value.map((item, i) => [i, item])
        : Object.entries(value as Record<string, unknown>);
      for (const [key, item] of entries) {
        const next = [...path, pathItem(value, key, item)];
        const badKey = typeof key === "string" ? badJsonString(key) : undefined;
        if (badKey) {
          addRuleIssue(
            badKey.rule,
            `key ${badKey.message}`,
            dataset,
            cfg,
            next as [v.IssuePathItem],
          );
        }
        walk(item, next, depth + 1);
      }
    };
    walk(dataset.value, [], 0);
    return dataset;
  },
};

/**
 * Opaque JSON passed through the hub (command params, results): any shape, but every key
 * and every string in it must be storable — no U+0000 (rule `no_nul`) and no lone surrogate
 * (rule `well_formed_unicode`), which PostgreSQL's `jsonb` refuses. Other control
 * characters are data here, and JSON escapes them, so they are left alone. An issue names
 * the exact path (`data.result.log.3`).
 */
export const JsonValueSchema = v.pipe(v.unknown(), storableJson);

function badJsonString(s: string): { rule: string; message: string } | undefined {
  if (s.includes("\u0000")) {
    return { rule: "no_nul", message: `must not contain U+0000 (found at ${s.indexOf("\u0000")})` };
  }
  if (loneSurrogate.test(s)) {
    return {
      rule: "well_formed_unicode",
      message: "must be well-formed Unicode (it holds a lone surrogate)",
    };
  }
  return undefined;
}

function pathItem(input: object, key: string | number, value: unknown): v.IssuePathItem {
  return Array.isArray(input)
    ? { type: "array", origin: "value", input, key: key as number, value }
    : {
        type: "object",
        origin: "value",
        input: input as Record<string, unknown>,
        key: String(key),
        value,
      };
}
