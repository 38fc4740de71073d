import { isIP } from "node:net";
import * as v from "valibot";

// The rules configuration values are parsed with, one per kind of value (URL, port, list).

export const url = (protocols: string[]) =>
  v.pipe(
    v.string(),
    v.check(
      (s) => {
        try {
          return protocols.includes(new URL(s).protocol);
        } catch {
          return false;
        }
      },
      `must be a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}`,
    ),
  );

export const int = (min: number, max: number) =>
  v.pipe(
    v.string(),
    v.regex(/^\d+$/, `must be a whole number from ${min} to ${max}`),
    v.transform(Number),
    v.minValue(min, `must be a whole number from ${min} to ${max}`),
    v.maxValue(max, `must be a whole number from ${min} to ${max}`),
  );

export const natsUrls = v.pipe(
  v.string(),
  v.transform((s) =>
    s
      .split(",")
      .map((u) => u.trim())
      .filter(Boolean),
  ),
  v.array(url(["nats:", "tls:", "ws:", "wss:"])),
  v.minLength(1, "must name at least one server"),
);

export const onOff = v.pipe(
  v.picklist(["on", "off"], 'must be "on" or "off"'),
  v.transform((s) => s === "on"),
);

export const origins = v.pipe(
  v.string(),
  v.transform((s) =>
    s
      .split(",")
      .map((o) => o.trim())
      .filter(Boolean),
  ),
  v.array(
    v.pipe(
      v.string(),
      v.check(
        (o) => o === "*" || /^https?:\/\/[^/\s]+$/.test(o),
        "must be * or http(s) origins without a path, comma-separated",
      ),
    ),
  ),
);

export const addresses = v.pipe(
  v.string(),
  v.transform((s) =>
    s
      .split(",")
      .map((a) => a.trim())
      .filter(Boolean),
  ),
  v.array(
    v.pipe(
      v.string(),
      v.check((a) => isIP(a) !== 0, "must be IP addresses (no names, no ranges), comma-separated"),
    ),
  ),
);

/** A URL of one of `protocols`, or empty (the feature it configures is off). */
export const optionalUrl = (protocols: string[]) =>
  v.pipe(
    v.string(),
    v.check(
      (s) => s === "" || v.is(url(protocols), s),
      `must be empty or a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}`,
    ),
  );

/** The OpenTelemetry sampler names of the standard `OTEL_TRACES_SAMPLER`. */
export const Samplers = [
  "always_on",
  "always_off",
  "traceidratio",
  "parentbased_always_on",
  "parentbased_always_off",
  "parentbased_traceidratio",
] as const;

export const samplers = v.picklist(Samplers, `must be one of ${Samplers.join(", ")}`);

export const ratio = v.pipe(
  v.string(),
  v.regex(/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/, "must be a number from 0 to 1"),
  v.transform(Number),
);
