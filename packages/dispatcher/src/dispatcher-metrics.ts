import { Counter, Gauge } from "prom-client";

export const deliveryAttempts = new Counter({
  name: "uaip_command_delivery_attempts_total",
  help: "Command requests sent to devices, by what came of them",
  labelNames: ["result"] as const,
});

// Counted where commands end, so the rate is true across dispatcher failovers (the new
// leader counts from its start; Prometheus's rate() takes the restart as a reset).
export const commandsEnded = new Counter({
  name: "uaip_device_commands_total",
  help: "Commands that reached a final state, by command name and outcome (completed, failed, rejected, expired, cancelled), as the active dispatcher saw them",
  labelNames: ["command", "outcome"] as const,
});

export const inFlightGauge = new Gauge({
  name: "uaip_dispatcher_in_flight",
  help: "Command requests sent to devices and not yet answered or timed out",
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
  help: "1 while this process holds the lease (lease=dispatcher: the active dispatcher)",
  labelNames: ["lease"] as const,
});
