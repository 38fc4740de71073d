import * as v from "valibot";

const Check = v.looseObject({ status: v.string(), error: v.optional(v.string()) });

/** The part of a `/health/ready` answer the watch reads; anything more is kept as it came. */
export const ReadyAnswerSchema = v.looseObject({
  status: v.string(),
  components: v.looseObject({
    nats: v.optional(Check),
    postgres: v.optional(Check),
    redis: v.optional(Check),
    streams: v.optional(v.record(v.string(), Check)),
    projections: v.optional(v.record(v.string(), Check)),
  }),
});
export type ReadyAnswer = v.InferOutput<typeof ReadyAnswerSchema>;

/**
 * Each component's state in one word: nats, postgres and redis as the hub says them,
 * streams and projections as how many of them are up.
 *
 * @example
 * readyComponents(answer); // { nats: "up", postgres: "down", redis: "up", streams: "4/4 up", projections: "0/1 up" }
 */
export function readyComponents(answer: ReadyAnswer): Record<string, string> {
  const c = answer.components;
  const out: Record<string, string> = {};
  for (const name of ["nats", "postgres", "redis"] as const) {
    const check = c[name];
    if (check) out[name] = check.status;
  }
  for (const name of ["streams", "projections"] as const) {
    const group = c[name];
    if (!group) continue;
    const all = Object.values(group);
    out[name] = `${all.filter((x) => x.status === "up").length}/${all.length} up`;
  }
  return out;
}
