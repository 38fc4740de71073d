/** What one poll of a hub's `/health/ready` found. */
export interface CheckResult {
  readonly hub: string;
  /** When the check started (ms since the epoch). */
  readonly at: number;
  /** 2xx: ready or degraded. Anything else (non-2xx, timeout, refused) is a failure. */
  readonly ok: boolean;
  /** The hub's own word ("ready", "degraded", "not ready"), or "unreachable". */
  readonly status: string;
  readonly httpStatus?: number;
  /** Each component's state: nats, postgres, redis, `streams` and `projections` as "3/4 up". */
  readonly components: Readonly<Record<string, string>>;
  /** The components as the hub sent them, for alert hooks. */
  readonly details?: unknown;
  readonly error?: string;
  readonly latencyMs: number;
}
