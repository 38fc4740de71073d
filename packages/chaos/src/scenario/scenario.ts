import type { Rng } from "../rng.ts";
import type { ChaosEnv, ChaosEnvOptions } from "./chaos-env.ts";

/** One fault a scenario caused, and how the hub came back from it. */
export interface FaultRecord {
  /** What was done, e.g. `kill -9 projectors-1`. */
  readonly fault: string;
  /** Seconds into the scenario when it happened. */
  readonly atSeconds: number;
  /** How long the broken part stayed broken (0 for a kill with an immediate restart). */
  readonly outageMs: number;
  /**
   * From the end of the fault until every projection's checkpoint reached the stream heads
   * of that moment; null when it never did.
   */
  readonly recoveryMs: number | null;
  /** Other recoveries measured (ms), e.g. `{ "GET /api/v1/devices": 1200 }`: its first 2xx. */
  readonly also?: Readonly<Record<string, number | null>>;
  /** Anything else worth a word, e.g. how many events were ingested meanwhile. */
  readonly note?: string;
}

/** What a scenario found; the runner adds timing and the processes' fate. */
export interface ScenarioRecord {
  eventsSent: number;
  /** Events acknowledged while the scenario ran (the load and anything else it published). */
  eventsAcked: number;
  readonly faults: FaultRecord[];
  lost: number;
  drift: number;
  doubleApplied: number;
  readonly failures: string[];
  /** What the scenario saw meanwhile (status codes during an outage, …): the fault matrix's source. */
  readonly observations: Record<string, unknown>;
  /** Records a failure unless `ok`; returns `ok`. */
  check(ok: boolean, failure: string): boolean;
}

export function newRecord(): ScenarioRecord {
  const failures: string[] = [];
  return {
    eventsSent: 0,
    eventsAcked: 0,
    faults: [],
    lost: 0,
    drift: 0,
    doubleApplied: 0,
    failures,
    observations: {},
    check(ok, failure) {
      if (!ok) failures.push(failure);
      return ok;
    },
  };
}

export interface ScenarioContext {
  /** A full run, or the CI-sized one. */
  readonly quick: boolean;
  readonly rng: Rng;
  /** Prints one progress line. */
  readonly step: (line: string) => void;
  readonly record: ScenarioRecord;
  /** Milliseconds since the scenario started. */
  elapsed(): number;
  /** Starts the scenario's private services (once); the runner closes them. */
  open(opts?: Omit<ChaosEnvOptions, "scenario" | "log">): Promise<ChaosEnv>;
}

/**
 * One fault scenario: starts its own services through `ctx.open`, drives a load, breaks
 * something, and records what it checks in `ctx.record`. Throwing is a failure too.
 */
export interface Scenario {
  readonly name: string;
  /** One line: what breaks. */
  readonly fault: string;
  /** One line: what must hold. */
  readonly expects: string;
  run(ctx: ScenarioContext): Promise<void>;
}

/** A scenario's outcome, as the table, the JSON and the Markdown report it. */
export interface ScenarioResult {
  readonly scenario: string;
  readonly passed: boolean;
  readonly quick: boolean;
  readonly seed: number;
  readonly seconds: number;
  readonly eventsUnderLoad: number;
  readonly eventsSent: number;
  /** The longest recovery of its faults (ms); null if one never recovered or there was none. */
  readonly recoveryMs: number | null;
  readonly lost: number;
  readonly drift: number;
  readonly doubleApplied: number;
  /** Processes that were not killed on purpose: how many still ran at the end, of how many. */
  readonly processes: { readonly alive: number; readonly expected: number };
  readonly faults: readonly FaultRecord[];
  readonly failures: readonly string[];
  readonly observations: Readonly<Record<string, unknown>>;
}
