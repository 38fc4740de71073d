import type { LatencyFigures } from "./route-latency.ts";
import type { SlowRequest } from "./slowest-requests.ts";

export const levelNames = {
  10: "trace",
  20: "debug",
  30: "info",
  40: "warn",
  50: "error",
  60: "fatal",
} as const;
export type LevelName = (typeof levelNames)[keyof typeof levelNames] | "other";

/** What `uaip logs analyze` reports (its `--json` output). */
export interface LogReport {
  readonly lines: {
    readonly total: number;
    /** JSON log lines counted (inside the --since window). */
    readonly analyzed: number;
    /** Not JSON, or JSON that is not a log line: counted and skipped. */
    readonly skipped: number;
    /** Before --since (or without a time while --since is given). */
    readonly outsideWindow: number;
  };
  /** First and last time seen among the analysed lines. */
  readonly window: { readonly from?: string; readonly to?: string };
  readonly levels: Readonly<Record<LevelName, number>>;
  /** Warnings and errors grouped by shape (variable parts replaced), most frequent first. */
  readonly problems: readonly {
    readonly level: LevelName;
    readonly shape: string;
    readonly count: number;
    readonly example: string;
  }[];
  readonly http: {
    readonly requests: number;
    readonly statuses: Readonly<Record<string, number>>;
    readonly serverErrors: number;
    readonly routes: readonly ({
      readonly route: string;
      readonly serverErrors: number;
    } & LatencyFigures)[];
    readonly slowest: readonly SlowRequest[];
  };
  readonly security: {
    readonly unauthorized: number;
    readonly forbidden: number;
    readonly rateLimited: number;
    /** By status, key id and client address, most frequent first. */
    readonly sources: readonly {
      readonly status: number;
      readonly keyId: string | null;
      readonly client: string | null;
      readonly count: number;
    }[];
  };
  readonly projector: {
    readonly retries: number;
    readonly unavailable: number;
    readonly deadLetters: number;
    readonly stopped: number;
    readonly byProjection: readonly {
      readonly projection: string;
      readonly retries: number;
      readonly deadLetters: number;
    }[];
  };
  readonly dispatcher: {
    readonly retries: number;
    readonly failedSteps: number;
    /** Commands the dispatcher expired (their deadline passed before a final answer). */
    readonly expired: number;
    readonly expiryFailures: number;
    readonly restarts: number;
    readonly steps: readonly { readonly step: string; readonly count: number }[];
  };
  readonly recommendations: readonly string[];
  /** Some top lists were pruned to stay in bounded memory: their low counts may be short. */
  readonly approximate: boolean;
}
