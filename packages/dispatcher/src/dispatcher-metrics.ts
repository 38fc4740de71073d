import { Counter, Gauge } from "prom-client";

export const deliveryAttempts = new Counter({
  name: "uaip_command_delivery_attempts_total",
  help: "Command requests sent to devices, by what came of them",
  labelNames: ["result"] as const,
});

export const commandsEnded = new Counter({
  name: "uaip_dispatcher_commands_ended_total",
  help: "Commands the dispatcher saw reach a final state, by state",
  labelNames: ["state"] as const,
});

export const openCommandsGauge = new Gauge({
  name: "uaip_dispatcher_open_commands",
  help: "Commands not yet in a final state, as the active dispatcher holds them",
});

export const presenceTransitions = new Counter({
  name: "uaip_presence_transitions_total",
  help: "Status changes the presence watchdog appended",
  labelNames: ["status"] as const,
});

export const leaseHeld = new Gauge({
  name: "uaip_lease_held",
  help: "1 while this process holds the lease",
  labelNames: ["lease"] as const,
});
