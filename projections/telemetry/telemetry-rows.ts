/** One device's metric over one UTC minute, as `telemetry_minutes` keeps it. */
export interface TelemetryMinuteRow {
  readonly deviceId: string;
  readonly metric: string;
  /** Start of the minute (ISO, UTC, seconds zeroed). */
  readonly minute: string;
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly sum: number;
  /** The reading with the latest `occurredAt` in the minute (ties: the later in the stream). */
  readonly last: number;
  readonly lastAt: string;
}

/** The latest reading of one device's metric, as `telemetry_latest` keeps it. */
export interface TelemetryLatestRow {
  readonly deviceId: string;
  readonly metric: string;
  readonly value: number;
  /** When the device took the reading (ISO, UTC). */
  readonly at: string;
  /** Stream sequence of the event that carried it. */
  readonly seq: number;
}

/** Everything the `telemetry` fold keeps, with the stream position it has folded up to. */
export interface TelemetryRows {
  /** Highest sequence folded; events at or below it are skipped. */
  position: number;
  /** Keyed by `minuteKey(row)`. */
  readonly minutes: Map<string, TelemetryMinuteRow>;
  /** Keyed by `latestKey(row)`. */
  readonly latest: Map<string, TelemetryLatestRow>;
}
