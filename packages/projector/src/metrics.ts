import { Counter, Gauge, Histogram } from "prom-client";

export const messagesProcessed = new Counter({
  name: "uaip_messages_processed_total",
  help: "Events applied by a projection",
  labelNames: ["projection"] as const,
});

export const rejectedEvents = new Counter({
  name: "uaip_rejected_events_total",
  help: "Events a projection could not accept and sent to the dead-letter stream",
  labelNames: ["projection", "reason"] as const,
});

export const projectionLag = new Gauge({
  name: "uaip_projection_lag_seconds",
  help: "Time between an event being stored and its projection applying it (last batch)",
  labelNames: ["projection"] as const,
});

export const batchDuration = new Histogram({
  name: "uaip_projection_batch_duration_seconds",
  help: "Time to apply one batch (decode, fold, transaction)",
  labelNames: ["projection"] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
});
