import { describe, expect, it } from "vitest";
import { devicePermissions } from "./device-permissions.ts";
import { renderServerConfig } from "./nats-config.ts";

describe("device permissions", () => {
  it("device permissions - every subject a device may use carries its id", () => {
    const p = devicePermissions("uaip", "lamp-1");
    expect(p.publish.allow).toEqual([
      "uaip.device.lamp-1.*",
      "uaip.heartbeat.lamp-1",
      "uaip.telemetry.lamp-1",
      "uaip.command.lamp-1.*.acknowledged",
      "uaip.command.lamp-1.*.completed",
      "uaip.command.lamp-1.*.failed",
    ]);
    expect(p.subscribe.allow).toEqual(["uaip.inbox.lamp-1", "_INBOX.uaip.lamp-1.>"]);
    expect(p.allow_responses).toEqual({ max: 1, expires: "1m" });
  });

  it("device permissions - the server config names the hub user and each device's key", () => {
    const text = renderServerConfig({
      port: 4222,
      storeDir: "/var/lib/nats",
      hub: { user: "hub", password: "pw" },
      devices: [
        {
          namespace: "uaip",
          deviceId: "a",
          publicKey: "UAAA",
          permissions: devicePermissions("uaip", "a"),
        },
      ],
    });
    expect(text).toContain('{"user":"hub","password":"pw"}');
    expect(text).toContain('"nkey": "UAAA"');
    expect(text).toContain("# device a (namespace uaip)");
  });
});
