import { describe, expect, it } from "vitest";
import { credentialsText } from "./devices.ts";

describe("uaip devices credentials", () => {
  it("devices credentials - prints the seed, the inbox prefix and a server entry limited to the device", () => {
    const { text, json } = credentialsText("uaip", "lamp-1");
    const j = json as {
      seed: string;
      publicKey: string;
      permissions: { publish: { allow: string[] } };
    };
    expect(j.seed).toMatch(/^SU[A-Z2-7]{56}$/);
    expect(j.publicKey).toMatch(/^U[A-Z2-7]{55}$/);
    expect(text).toContain(`UAIP_DEVICE_SEED=${j.seed}`);
    expect(text).toContain('"_INBOX.uaip.lamp-1"');
    expect(text).toContain(`"nkey": "${j.publicKey}"`);
    expect(j.permissions.publish.allow).toContain("uaip.telemetry.lamp-1");
    expect(j.permissions.publish.allow.every((s) => s.includes("lamp-1"))).toBe(true);
  });

  it("devices credentials - a bad id is a usage error naming the rule", () => {
    expect(() => credentialsText("uaip", "bad id")).toThrow(/deviceId: must be 1-64/);
  });
});
