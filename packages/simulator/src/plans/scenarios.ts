import type { DeviceSpec } from "./device-spec.ts";

/** The scenarios `uaip simulate scenario --name` knows. */
export const ScenarioNames = ["home", "industrial", "smart-city", "healthcare"] as const;
export type ScenarioName = (typeof ScenarioNames)[number];

const pad = (n: number) => String(n).padStart(2, "0");

function home(): DeviceSpec[] {
  const tags = ["home"];
  return [
    {
      id: "home-living-room-light",
      name: "Living room light",
      type: "smart-bulb",
      location: "living-room",
      tags,
    },
    {
      id: "home-kitchen-light",
      name: "Kitchen light",
      type: "smart-bulb",
      location: "kitchen",
      tags,
    },
    {
      id: "home-thermostat",
      name: "Hallway thermostat",
      type: "thermostat",
      location: "hallway",
      tags,
    },
    {
      id: "home-front-door-camera",
      name: "Front door camera",
      type: "camera",
      location: "front-door",
      tags,
    },
    { id: "home-garden-camera", name: "Garden camera", type: "camera", location: "garden", tags },
    {
      id: "home-kitchen-sensor",
      name: "Kitchen climate sensor",
      type: "sensor",
      location: "kitchen",
      tags,
    },
  ];
}

function industrial(): DeviceSpec[] {
  return [1, 2, 3].flatMap((line) => {
    const location = `plant-1/line-${line}`;
    const tags = ["industrial", `line-${line}`];
    const id = (what: string) => `plant-l${line}-${what}`;
    return [
      {
        id: id("motor-vibration"),
        name: `Line ${line} motor vibration`,
        type: "vibration-sensor",
        location,
        tags,
      },
      {
        id: id("pump-vibration"),
        name: `Line ${line} pump vibration`,
        type: "vibration-sensor",
        location,
        tags,
      },
      {
        id: id("oven-temperature"),
        name: `Line ${line} oven temperature`,
        type: "temperature-sensor",
        location,
        tags,
      },
      {
        id: id("tank-temperature"),
        name: `Line ${line} tank temperature`,
        type: "temperature-sensor",
        location,
        tags,
      },
      {
        id: id("line-pressure"),
        name: `Line ${line} pressure`,
        type: "pressure-sensor",
        location,
        tags,
      },
    ];
  });
}

function smartCity(): DeviceSpec[] {
  const streets = ["High Street", "Station Road", "Park Avenue", "Mill Lane"];
  const lights = Array.from({ length: 12 }, (_, i) => ({
    id: `city-light-${pad(i + 1)}`,
    name: `Street light ${pad(i + 1)}, ${streets[i % 4]}`,
    type: "street-light",
    location: streets[i % 4]!,
    tags: ["smart-city", "lighting"],
  }));
  const counters = Array.from({ length: 10 }, (_, i) => ({
    id: `city-traffic-${pad(i + 1)}`,
    name: `Traffic counter ${pad(i + 1)}`,
    type: "traffic-counter",
    location: streets[i % 4]!,
    tags: ["smart-city", "traffic"],
  }));
  const air = Array.from({ length: 8 }, (_, i) => ({
    id: `city-air-${pad(i + 1)}`,
    name: `Air-quality station ${pad(i + 1)}`,
    type: "air-quality-station",
    location: streets[i % 4]!,
    tags: ["smart-city", "environment"],
  }));
  return [...lights, ...counters, ...air];
}

function healthcare(): DeviceSpec[] {
  const monitors = ["a", "b"].flatMap((ward) =>
    Array.from({ length: 12 }, (_, i) => ({
      id: `ward-${ward}-bed-${pad(i + 1)}`,
      name: `Ward ${ward.toUpperCase()} bed ${i + 1} monitor`,
      type: "patient-monitor",
      location: `ward-${ward}/bed-${i + 1}`,
      tags: ["healthcare", `ward-${ward}`],
    })),
  );
  const climate = ["a", "b", "icu", "theatre"].map((room) => ({
    id: `ward-${room}-climate`,
    name: `Ward ${room.toUpperCase()} climate`,
    type: "thermostat",
    location: `ward-${room}`,
    tags: ["healthcare", "facilities"],
  }));
  const fridges = [1, 2].map((n) => ({
    id: `pharmacy-fridge-${n}`,
    name: `Pharmacy fridge ${n}`,
    type: "sensor",
    location: "pharmacy",
    tags: ["healthcare", "cold-chain"],
    metrics: [
      { name: "temperature", min: 2, max: 8, perSecond: 0.005, digits: 1 },
      { name: "humidity", min: 30, max: 60, digits: 0 },
    ],
  }));
  return [...monitors, ...climate, ...fridges];
}

const builders: Record<ScenarioName, () => DeviceSpec[]> = {
  home,
  industrial,
  "smart-city": smartCity,
  healthcare,
};

/**
 * The devices of a scenario: `home` (6), `industrial` (15), `smart-city` (30),
 * `healthcare` (30).
 */
export function scenarioDevices(name: ScenarioName): DeviceSpec[] {
  return builders[name]();
}

export function isScenarioName(name: string): name is ScenarioName {
  return (ScenarioNames as readonly string[]).includes(name);
}
