import type { NatsConnection } from "@nats-io/transport-node";
import { isNatsUnavailable } from "@uaip/platform";
import { natsUnavailable } from "./dependency-problems.ts";

/** What the API knows of its NATS connection, so routes that need the log fail fast. */
export interface NatsLink {
  /** Why NATS cannot be used now (disconnected, reconnecting, closed), or undefined while connected. */
  downReason(): string | undefined;
  /** Throws the NATS 503 at once when the connection is known to be down. */
  require(): void;
  /**
   * Runs `work`, failing with the NATS 503 at once if the connection is down, as soon as it
   * drops while `work` runs, or when `work` fails for a NATS reason. A result that arrives
   * after the 503 went out is handed to `onLate` (to close what it opened).
   */
  whileUp<T>(work: () => Promise<T>, onLate?: (value: T) => void): Promise<T>;
}

/**
 * Follows the connection's status events (disconnect, reconnecting, reconnect, close): the
 * client reconnects forever and queues requests meanwhile, so without this a request made
 * during an outage waits out its whole timeout before failing.
 *
 * @example
 * const nats = natsLink(nc);
 * const feed = await nats.whileUp(() => openDeviceFeed(...), (late) => late.close());
 */
export function natsLink(nc: NatsConnection): NatsLink {
  let down: string | undefined;
  const drops = new Set<(reason: string) => void>();
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === "disconnect" || s.type === "reconnecting" || s.type === "close") {
        down =
          s.type === "close"
            ? "the connection is closed"
            : `disconnected from ${nc.getServer() || "the server"}; reconnecting`;
        for (const drop of drops) drop(down);
      } else if (s.type === "reconnect") {
        down = undefined;
      }
    }
    down = "the connection is closed";
  })().catch(() => {});

  const downReason = () =>
    nc.isClosed()
      ? "the connection is closed"
      : nc.isDraining()
        ? "the connection is draining"
        : down;
  const require = () => {
    const why = downReason();
    if (why !== undefined) throw natsUnavailable(why);
  };
  return {
    downReason,
    require,
    whileUp(work, onLate) {
      require();
      return new Promise((resolve, reject) => {
        let settled = false;
        const drop = (reason: string) => {
          if (settled) return;
          settled = true;
          reject(natsUnavailable(reason));
        };
        drops.add(drop);
        work().then(
          (value) => {
            drops.delete(drop);
            if (settled) onLate?.(value);
            else {
              settled = true;
              resolve(value);
            }
          },
          (err: unknown) => {
            drops.delete(drop);
            if (settled) return;
            settled = true;
            reject(
              isNatsUnavailable(err)
                ? natsUnavailable(`${(err as Error).name}: ${(err as Error).message}`)
                : err,
            );
          },
        );
      });
    },
  };
}
