import { createEvent, DeviceIdSchema } from "@uaip/events";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { modelFor } from "../models/device-types.ts";
import { parseMetricSpecs } from "../models/sensor.ts";
import { slug } from "./device-spec.ts";
import { loadFleet, mixedFleet, singleDevice } from "./fleet-plans.ts";
import { ScenarioNames, scenarioDevices } from "./scenarios.ts";

describe("plans", () => {
  it("scenarios - home, industrial, smart-city and healthcare have 6, 15, 30 and 30 valid devices", () => {
    const sizes = Object.fromEntries(ScenarioNames.map((n) => [n, scenarioDevices(n).length]));
    expect(sizes).toEqual({ home: 6, industrial: 15, "smart-city": 30, healthcare: 30 });
    for (const name of ScenarioNames) {
      const devices = scenarioDevices(name);
      expect(new Set(devices.map((d) => d.id)).size).toBe(devices.length);
      for (const d of devices) {
        expect(v.is(DeviceIdSchema, d.id), d.id).toBe(true);
        const model = modelFor(d.type, d.metrics);
        createEvent("device.registered", d.id, {
          name: d.name,
          type: model.type,
          capabilities: [...model.capabilities],
          tags: [...(d.tags ?? [])],
          location: d.location ?? null,
        });
      }
    }
    expect(
      scenarioDevices("home")
        .map((d) => d.type)
        .sort(),
    ).toEqual(["camera", "camera", "sensor", "smart-bulb", "smart-bulb", "thermostat"]);
    expect(new Set(scenarioDevices("healthcare").map((d) => d.type))).toContain("patient-monitor");
  });

  it("fleet plans - single, mixed and load fleets name their devices predictably", () => {
    expect(singleDevice("smart-bulb", "Living room light")).toMatchObject({
      id: "living-room-light",
      name: "Living room light",
    });
    expect(singleDevice("camera", "x", "cam-1").id).toBe("cam-1");
    expect(mixedFleet(["smart-bulb", "camera"], 3, "sim").map((d) => d.id)).toEqual([
      "sim-smart-bulb-1",
      "sim-camera-1",
      "sim-smart-bulb-2",
    ]);
    const load = loadFleet(["sensor"], 1_000, "load", 10_000);
    expect(load[0]).toMatchObject({ id: "load-00001", intervalMs: 100 });
    expect(load.at(-1)!.id).toBe("load-01000");
    expect(slug("  Ünusual / name!! ")).toBe("nusual-name");
  });

  it("sensor metrics - parsed from name:min:max, bad entries named", () => {
    expect(parseMetricSpecs("co2:400:1500, noise_db:30:90")).toEqual([
      { name: "co2", min: 400, max: 1_500 },
      { name: "noise_db", min: 30, max: 90 },
    ]);
    expect(() => parseMetricSpecs("co2:900:400")).toThrow(/"co2:900:400"/);
    expect(() => parseMetricSpecs("9lives:0:1")).toThrow(/name:min:max/);
  });
});
