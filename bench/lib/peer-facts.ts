/** The device facts of the peer benchmark (bench/peer.ts), the same for the hub and Emmett. */

/** One device fact, as both systems receive it. */
export type PeerFact =
  | {
      readonly kind: "registered";
      readonly deviceId: string;
      readonly at: string;
      readonly data: { name: string; type: string; tags: string[]; location: string };
    }
  | {
      readonly kind: "status";
      readonly deviceId: string;
      readonly at: string;
      readonly data: { status: "online" | "offline" | "error" | "maintenance"; reason: string };
    };

const statuses = ["online", "maintenance", "error", "offline"] as const;

/** Every device registers, then `perDevice` rounds of one status change per device. */
export function peerFacts(devices: number, perDevice: number): PeerFact[] {
  const t0 = Date.parse("2026-11-21T00:00:00.000Z");
  const at = (i: number) => new Date(t0 + i * 10).toISOString();
  const id = (d: number) => `peer-${String(d).padStart(6, "0")}`;
  const facts: PeerFact[] = [];
  for (let d = 0; d < devices; d++) {
    facts.push({
      kind: "registered",
      deviceId: id(d),
      at: at(facts.length),
      data: {
        name: `Device ${d}`,
        type: ["smart-bulb", "thermostat", "camera", "sensor"][d % 4]!,
        tags: ["bench", `zone-${d % 10}`],
        location: `site-${d % 50}`,
      },
    });
  }
  for (let r = 0; r < perDevice; r++) {
    for (let d = 0; d < devices; d++) {
      facts.push({
        kind: "status",
        deviceId: id(d),
        at: at(facts.length),
        data: { status: statuses[(r + d) % 4]!, reason: `round ${r + 1}` },
      });
    }
  }
  return facts;
}
