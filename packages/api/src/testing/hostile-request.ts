import type { FuzzOperation, Schema } from "./fuzz-operations.ts";

type Json = Record<string, unknown>;

// Already percent-encoded: what goes into a path segment or a query value as is.
const hostileEncoded = [
  "%00",
  "a%00b",
  "%zz",
  "%",
  "%C3%28",
  "%FF%FE",
  "%ED%A0%80", // an encoded UTF-16 surrogate: not UTF-8
  "%C0%AF", // an overlong '/'
  "1e309",
  "-1",
  "-0",
  "9223372036854775808",
  "18446744073709551616",
  "99999999999999999999999999999999",
  "NaN",
  "Infinity",
  "0x10",
  "1.5",
  "true",
  "null",
  "%5B%5D",
  "%7B%7D",
  "",
  "%20",
  "..%2F..%2Fpackage.json",
  "%E2%80%AE",
  "%F0%9F%98%80",
  "*",
  "%3E",
  "thermo-*",
  "'%20OR%201%3D1--",
  "%25",
];

// Raw header values (latin1 bytes): what an HTTP client could put on the wire.
const hostileHeaderValues = [
  "1e309",
  "-1",
  "devices:-1",
  "devices:99999999999999999999",
  "devices:9223372036854775808",
  "nope:1",
  "devices:1,devices:2,devices:3",
  'W/"x"',
  "*",
  "\u00ff\u00fe", // bytes that are not UTF-8
  "\u00e9",
  "",
  " ",
];

const longLengths = [300, 5_000, 20_000];

function pick<T>(r: () => number, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)] as T;
}

/** A value that passes the schema as far as cheaply possible (the baseline of a request). */
function sample(schema: Schema | undefined, name: string): unknown {
  if (!schema) return "x";
  if (Array.isArray(schema.enum)) return schema.enum[0];
  if ("default" in schema) return schema.default;
  switch (schema.type) {
    case "object": {
      const props = (schema.properties ?? {}) as Record<string, Schema>;
      const required = (schema.required ?? []) as string[];
      return Object.fromEntries(required.map((k) => [k, sample(props[k], k)]));
    }
    case "array":
      return [sample(schema.items as Schema, name)];
    case "number":
    case "integer":
      return 1;
    case "boolean":
      return true;
    default:
      return name.includes("id") ? "fz-1" : "fuzz";
  }
}

/** Leaf paths of a JSON value, for mutating one place at a time. */
function leaves(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...path, i]));
  if (value && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
  return [path];
}

function setAt(value: unknown, path: (string | number)[], leaf: unknown): unknown {
  if (path.length === 0) return leaf;
  const copy = Array.isArray(value) ? [...value] : { ...(value as Json) };
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  (copy as Record<string | number, unknown>)[head] = setAt(
    (value as Record<string | number, unknown>)[head],
    rest,
    leaf,
  );
  return copy;
}

/** A request in parts, any byte allowed; `serializeDraft` puts it on the wire. */
export interface Draft {
  method: string;
  segments: string[];
  query: string[];
  headers: Array<[string, Buffer]>;
  body?: Buffer;
  /** Extra raw bytes spliced into the request target. */
  rawTarget?: Buffer;
}

/** The request as HTTP/1.1 bytes (`connection: close`). */
export function serializeDraft(d: Draft): Buffer {
  const target = Buffer.concat([
    Buffer.from(d.segments.join("/"), "latin1"),
    d.rawTarget ?? Buffer.alloc(0),
    Buffer.from(d.query.length > 0 ? `?${d.query.join("&")}` : "", "latin1"),
  ]);
  const lines: Buffer[] = [
    Buffer.from(`${d.method} `, "latin1"),
    target,
    Buffer.from(" HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\n", "latin1"),
  ];
  for (const [name, value] of d.headers)
    lines.push(Buffer.from(`${name}: `, "latin1"), value, Buffer.from("\r\n"));
  if (d.body) lines.push(Buffer.from(`content-length: ${d.body.length}\r\n`));
  lines.push(Buffer.from("\r\n"));
  if (d.body) lines.push(d.body);
  return Buffer.concat(lines);
}

/** One line saying what the request was, for a finding. */
export function describeDraft(d: Draft, label: string): string {
  const target = `${d.segments.join("/")}${d.rawTarget ? "<raw bytes>" : ""}${d.query.length ? `?${d.query.join("&")}` : ""}`;
  return `${label}: ${d.method} ${target.length > 160 ? `${target.slice(0, 160)}…` : target}${d.body ? ` (body ${d.body.length} bytes)` : ""}`;
}

/** What a hostile request needs to know beyond its operation. */
export interface HostileContext {
  /** A key with every scope, so only the broken part can be refused. */
  readonly key: string;
  readonly bodyLimitBytes: number;
  readonly pathValues?: Readonly<Record<string, string>>;
}

/**
 * One hostile request for `op`: a valid baseline (real path values, required parameters,
 * a body sampled from the schema, a good key) with one thing broken: a parameter (NUL,
 * bad percent-encoding or UTF-8, absurd numbers, very long, wrong type), a repeated or
 * unknown parameter, a raw byte in the target, the key, a header, the body (huge, 10,000
 * levels deep, wrong types, NUL, not UTF-8, wrong or no content type, truncated), a body
 * where none is taken, or the method.
 */
export function hostileRequest(
  op: FuzzOperation,
  r: () => number,
  o: HostileContext,
): { draft: Draft; label: string } {
  const auth: [string, Buffer] = ["authorization", Buffer.from(`Bearer ${o.key}`)];
  const segments = op.path
    .split("/")
    .map((seg) =>
      seg.replace(/\{([^}]+)\}/g, (_, name: string) =>
        encodeURIComponent(o.pathValues?.[name] ?? "fz-1"),
      ),
    );
  const params = op.parameters;
  const query = params
    .filter((p) => p.in === "query" && p.required)
    .map((p) => `${p.name}=${encodeURIComponent(String(sample(p.schema, p.name)))}`);
  const draft: Draft = { method: op.method, segments, query, headers: op.secured ? [auth] : [] };
  const baseBody = op.body ? sample(op.body, "") : undefined;
  const json = (value: unknown, type = "application/json") => {
    draft.headers.push(["content-type", Buffer.from(type)]);
    draft.body = Buffer.from(JSON.stringify(value) ?? "null");
  };
  if (op.body) json(baseBody);

  const kinds = [
    "param",
    "param",
    "param",
    "repeat",
    "unknown-param",
    "raw-target",
    "auth",
    "header",
    ...(op.body
      ? ["body", "body", "body", "body"]
      : op.method !== "GET"
        ? ["body-on-bodiless"]
        : []),
    "method",
  ];
  const kind = pick(r, kinds);
  switch (kind) {
    case "param": {
      const p = params.length > 0 ? pick(r, params) : undefined;
      const value =
        r() < 0.25
          ? "a".repeat(pick(r, longLengths))
          : r() < 0.5
            ? `fz${pick(r, hostileEncoded)}`
            : pick(r, hostileEncoded);
      if (!p) {
        draft.query.push(`x=${value}`);
        return { draft, label: "param x" };
      }
      if (p.in === "path") {
        const at = op.path.split("/").indexOf(`{${p.name}}`);
        draft.segments[at] = value;
      } else if (p.in === "query") {
        draft.query = draft.query.filter((q) => !q.startsWith(`${p.name}=`));
        draft.query.push(`${p.name}=${value}`);
      } else {
        draft.headers.push([
          p.name,
          Buffer.from(r() < 0.5 ? pick(r, hostileHeaderValues) : value, "latin1"),
        ]);
      }
      return { draft, label: `param ${p.in} ${p.name}` };
    }
    case "repeat": {
      const p = params.find((x) => x.in === "query") ?? { name: "limit" };
      draft.query.push(`${p.name}=1`, `${p.name}=${pick(r, hostileEncoded)}`, `${p.name}=2`);
      return { draft, label: `repeated ${p.name}` };
    }
    case "unknown-param":
      draft.query.push(
        `${pick(r, ["zzz", "%00", "%zz", "a%5B%5D", "__proto__", "constructor"])}=${pick(r, hostileEncoded)}`,
      );
      return { draft, label: "unknown parameter" };
    case "raw-target":
      draft.rawTarget = Buffer.from([pick(r, [0x00, 0x01, 0x7f, 0xff, 0xc3, 0x20, 0x09])]);
      return { draft, label: "raw byte in the request target" };
    case "auth": {
      draft.headers = draft.headers.filter(([n]) => n !== "authorization");
      const variant = pick(r, [
        "none",
        "unknown",
        "malformed",
        "basic",
        "long",
        "bytes",
        "x-api-key",
        "both",
        "empty",
      ]);
      const add = (n: string, v: string) => draft.headers.push([n, Buffer.from(v, "latin1")]);
      if (variant === "unknown")
        add("authorization", `Bearer uaip_${Math.floor(r() * 1e12).toString(36)}${"x".repeat(20)}`);
      if (variant === "malformed") add("authorization", "Bearer");
      if (variant === "basic") add("authorization", "Basic dXNlcjpwYXNz");
      if (variant === "long")
        add("authorization", `Bearer uaip_${"k".repeat(pick(r, longLengths))}`);
      if (variant === "bytes") add("authorization", `Bearer uaip_\u00ff\u00fe${o.key.slice(5)}`);
      if (variant === "x-api-key") add("x-api-key", pick(r, ["uaip_nope", "", " ", "\u00ff"]));
      if (variant === "both") {
        add("authorization", "Bearer uaip_nope");
        add("x-api-key", o.key);
      }
      if (variant === "empty") add("authorization", "");
      return { draft, label: `auth ${variant}` };
    }
    case "header": {
      const variant = pick(r, ["min-seq", "huge", "nul", "control", "content-type"]);
      if (variant === "min-seq")
        draft.headers.push(["x-min-sequence", Buffer.from(pick(r, hostileHeaderValues), "latin1")]);
      if (variant === "huge") draft.headers.push(["x-filler", Buffer.from("f".repeat(20_000))]);
      if (variant === "nul") draft.headers.push(["x-api-key", Buffer.from([0x61, 0x00, 0x62])]);
      if (variant === "control")
        draft.headers.push(["x-min-sequence", Buffer.from([0x64, 0x01, 0x7f])]);
      if (variant === "content-type")
        draft.headers.push([
          "content-type",
          Buffer.from(
            pick(r, ["text/plain", "application/json; charset=latin1", "*/*", "\u00ff"]),
            "latin1",
          ),
        ]);
      return { draft, label: `header ${variant}` };
    }
    case "body": {
      draft.headers = draft.headers.filter(([n]) => n !== "content-type");
      const variant = pick(r, [
        "huge",
        "deep",
        "root-type",
        "leaf-type",
        "leaf-nul",
        "leaf-long",
        "not-utf8",
        "text-plain",
        "no-type",
        "truncated",
        "extra-field",
        "many",
      ]);
      const leafPaths = leaves(baseBody);
      const at = pick(r, leafPaths.length > 0 ? leafPaths : [[]]);
      if (variant === "huge") {
        draft.headers.push(["content-type", Buffer.from("application/json")]);
        draft.body = Buffer.from(`{"ids":["${"x".repeat(o.bodyLimitBytes + 1)}"]}`);
      }
      if (variant === "deep") {
        draft.headers.push(["content-type", Buffer.from("application/json")]);
        const depth = 10_000;
        draft.body = Buffer.from(
          r() < 0.5
            ? `${"[".repeat(depth)}${"]".repeat(depth)}`
            : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`,
        );
      }
      if (variant === "root-type") json(pick(r, [[], "str", 1e308, null, true, [baseBody], -1]));
      if (variant === "leaf-type")
        json(
          setAt(baseBody, at, pick(r, [1e308, -1, 2 ** 63, null, true, [], {}, "1e309", [[[]]]])),
        );
      if (variant === "leaf-nul") json(setAt(baseBody, at, "a\u0000b"));
      if (variant === "leaf-long") json(setAt(baseBody, at, "z".repeat(pick(r, longLengths))));
      if (variant === "not-utf8") {
        draft.headers.push(["content-type", Buffer.from("application/json")]);
        const text = Buffer.from(JSON.stringify(setAt(baseBody, at, "@@")));
        const i = text.indexOf("@@");
        draft.body =
          i === -1
            ? Buffer.from([0xff, 0xfe])
            : Buffer.concat([text.subarray(0, i), Buffer.from([0xff, 0xc3]), text.subarray(i + 2)]);
      }
      if (variant === "text-plain") json(baseBody, "text/plain");
      if (variant === "no-type") draft.body = Buffer.from(JSON.stringify(baseBody));
      if (variant === "truncated") {
        draft.headers.push(["content-type", Buffer.from("application/json")]);
        const text = JSON.stringify(baseBody);
        draft.body = Buffer.from(text.slice(0, Math.max(1, Math.floor(text.length / 2))));
      }
      if (variant === "extra-field") json({ ...(baseBody as Json), __proto__x: 1, "z\u0000": 2 });
      if (variant === "many")
        json(
          setAt(
            baseBody,
            at.slice(0, -1),
            Array.from({ length: 5_000 }, (_, i) => `fz-${i}`),
          ),
        );
      return { draft, label: `body ${variant}` };
    }
    case "body-on-bodiless":
      draft.headers.push([
        "content-type",
        Buffer.from(pick(r, ["application/json", "text/plain"])),
      ]);
      draft.body = Buffer.from(pick(r, ["[]", "{}", '{"reason":"x"}', "\u0000"]));
      return { draft, label: "body on a route that takes none" };
    default:
      draft.method = pick(r, ["PUT", "PATCH", "OPTIONS", "TRACE", "FOO", "get"]);
      return { draft, label: `method ${draft.method}` };
  }
}
