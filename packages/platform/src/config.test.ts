import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, renderConfigTable } from "./config.ts";
import { configVariables } from "./config-variables.ts";

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("config", () => {
  it("config - with nothing set, points at the standard local ports", () => {
    const c = loadConfig({});
    expect(c.nats.servers).toEqual(["nats://127.0.0.1:4222"]);
    expect(c.databaseUrl).toBe("postgres://postgres@127.0.0.1:5432/uaip");
    expect(c.redisUrl).toBe("redis://127.0.0.1:6379");
    expect(c.http).toEqual({ host: "127.0.0.1", port: 8443 });
    expect(c.namespace).toBe("uaip");
    expect(c.projector).toEqual({ batchSize: 500, batchWaitMs: 20, leaseMs: 10_000 });
    expect(c.nats.monitorUrl).toBeUndefined();
  });

  it("config - values are parsed and typed", () => {
    const c = loadConfig({
      NATS_URL: "nats://a:1, nats://b:2",
      PORT: "9000",
      PROJECTOR_BATCH_SIZE: "1000",
    });
    expect(c.nats.servers).toEqual(["nats://a:1", "nats://b:2"]);
    expect(c.http.port).toBe(9000);
    expect(c.projector.batchSize).toBe(1000);
    expect(loadConfig({ NATS_MONITOR_URL: "http://nats:8222" }).nats.monitorUrl).toBe(
      "http://nats:8222",
    );
    expect(
      loadConfig({ UAIP_AUTH: "off", CORS_ORIGINS: "https://a.example, *" }).api,
    ).toMatchObject({
      auth: "off",
      corsOrigins: ["https://a.example", "*"],
    });
  });

  it.each([
    [
      "DATABASE_URL",
      "mysql://localhost/x",
      /must be a URL starting with postgres:\/\/ or postgresql:\/\//,
    ],
    ["DATABASE_URL", "not a url", /must be a URL/],
    ["NATS_URL", "http://x", /nats:\/\//],
    ["REDIS_URL", "127.0.0.1:6379", /redis:\/\//],
    ["NATS_MONITOR_URL", "nats://x:8222", /http:\/\//],
    ["PORT", "70000", /whole number from 0 to 65535/],
    ["PORT", "80a", /whole number/],
    ["UAIP_NAMESPACE", "Has.Dots", /lowercase letters/],
    ["UAIP_NAMESPACE", "pg_hub", /PostgreSQL reserves it/],
    ["LOG_LEVEL", "loud", /one of trace/],
    ["PROJECTOR_BATCH_SIZE", "0", /from 1 to 10000/],
    ["UAIP_AUTH", "maybe", /"on" or "off"/],
    ["OTEL_EXPORTER_OTLP_ENDPOINT", "grpc://jaeger:4317", /empty or a URL starting with http:\/\//],
    ["OTEL_TRACES_SAMPLER", "sometimes", /one of always_on, always_off, traceidratio/],
    ["OTEL_TRACES_SAMPLER_ARG", "1.5", /number from 0 to 1/],
    ["OTEL_TRACES_SAMPLER_ARG", "ten percent", /number from 0 to 1/],
    ["CORS_ORIGINS", "https://a.example/path", /origins without a path/],
  ])("config - a bad %s (%s) fails with one line naming it and the rule", (name, value, rule) => {
    const err = errorOf({ [name]: value });
    expect(err.variable).toBe(name);
    expect(err.message).toMatch(new RegExp(`^${name}: `));
    expect(err.message).toMatch(rule);
    expect(err.message).not.toContain("\n");
  });

  it("config - a password is never echoed in an error", () => {
    expect(String(configVariables.NATS_PASSWORD.default)).toBe("");
    const table = renderConfigTable();
    for (const name of Object.keys(configVariables)) expect(table).toContain(`\`${name}\``);
  });
});

describe("tracing config", () => {
  it("config - tracing is off unless an endpoint is set, sampling parent-based at ratio 1", () => {
    expect(loadConfig({}).tracing).toEqual({
      sampler: "parentbased_traceidratio",
      samplerRatio: 1,
    });
  });

  it.each([
    "always_on",
    "always_off",
    "traceidratio",
    "parentbased_always_on",
    "parentbased_always_off",
    "parentbased_traceidratio",
  ])("config - the standard sampler %s is accepted", (sampler) => {
    expect(loadConfig({ OTEL_TRACES_SAMPLER: sampler }).tracing.sampler).toBe(sampler);
  });

  it("config - the OTEL variables are parsed and typed", () => {
    const t = loadConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://jaeger:4318",
      OTEL_SERVICE_NAME: "hub-a",
      OTEL_TRACES_SAMPLER: "traceidratio",
      OTEL_TRACES_SAMPLER_ARG: "0.1",
    }).tracing;
    expect(t).toEqual({
      endpoint: "http://jaeger:4318",
      serviceName: "hub-a",
      sampler: "traceidratio",
      samplerRatio: 0.1,
    });
  });
});

describe("README", () => {
  it("config - the README's configuration table is the one the code renders", async () => {
    const { readFileSync } = await import("node:fs");
    const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
    expect(readme).toContain(renderConfigTable());
  });
});
