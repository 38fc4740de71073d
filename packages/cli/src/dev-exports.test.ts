import { configVariables } from "@uaip/platform";
import { describe, expect, it } from "vitest";
import { type HubAddress, hubAddressVariables, otherTerminalExports } from "./dev-exports.ts";

const defaults = Object.fromEntries(
  hubAddressVariables.map((n) => [n, configVariables[n].default]),
) as HubAddress;

describe("uaip dev exports", () => {
  it("dev exports - nothing to export when every address is the default", () => {
    expect(otherTerminalExports(defaults)).toBeUndefined();
  });

  it("dev exports - a service started on a free port, another PORT and namespace are exported, quoted when needed", () => {
    const line = otherTerminalExports({
      ...defaults,
      NATS_URL: "nats://127.0.0.1:40123",
      PORT: "9000",
      UAIP_NAMESPACE: "lab",
      DATABASE_URL: "postgres://me:it's@127.0.0.1:5433/uaip",
    });
    expect(line).toBe(
      `export NATS_URL=nats://127.0.0.1:40123 DATABASE_URL='postgres://me:it'\\''s@127.0.0.1:5433/uaip' PORT=9000 UAIP_NAMESPACE=lab`,
    );
  });
});
