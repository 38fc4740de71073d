import type { JetStreamClient } from "@nats-io/jetstream";
import { type EventType, type RecordedEvent, subjects } from "@uaip/events";
import { readLog } from "@uaip/log-reader";
import type { Db } from "@uaip/platform";

/** Which device events a client wants; every field narrows, none means all. */
export interface FeedFilter {
  readonly device?: string;
  /** Device type (from the registry), e.g. `smart-bulb`. */
  readonly deviceType?: string;
  readonly eventTypes?: readonly EventType[];
}

export interface DeviceFeed {
  readonly events: AsyncIterable<RecordedEvent>;
  close(): Promise<void>;
}

/**
 * The narrowest single subject filter (NATS 2.9 takes one per consumer): the device, every
 * origin (its own subjects and the hub's, one token longer); types are filtered here.
 */
function subjectFilter(namespace: string, f: FeedFilter): string {
  return subjects(namespace).deviceEvents(f.device ?? "*");
}

/**
 * Device events from the DEVICES stream, followed with readLog (an ordered consumer), from
 * just after `afterSeq` or, without it, from now on. It pulls a bounded batch at a time, so
 * a stalled reader holds little.
 *
 * The device-type filter starts from the registry's ids of that type and follows the
 * registrations the feed itself carries, so a device registered later is included.
 *
 * @example
 * const feed = await openDeviceFeed(js, db, "uaip", { deviceType: "smart-bulb" }, 1200);
 * for await (const e of feed.events) send(e); // e.seq > 1200
 */
export async function openDeviceFeed(
  js: JetStreamClient,
  db: Db,
  namespace: string,
  filter: FeedFilter,
  afterSeq?: number,
): Promise<DeviceFeed> {
  let ofType: Set<string> | undefined;
  if (filter.deviceType !== undefined) {
    const rows = await db
      .selectFrom("devices")
      .select("id")
      .where("type", "=", filter.deviceType)
      .execute();
    ofType = new Set(rows.map((r) => r.id));
  }
  // A followed read never asks the stream's extent: a manager without the API check costs
  // no request.
  const jsm = await js.jetstreamManager(false);
  const log = await readLog(js, jsm, {
    namespace,
    stream: "devices",
    filter: subjectFilter(namespace, filter),
    from: afterSeq !== undefined ? { afterSeq } : "new",
    to: "follow",
    batch: 256,
    closeWithinMs: 500,
  });
  const wanted = filter.eventTypes && new Set<string>(filter.eventTypes);

  async function* events(): AsyncGenerator<RecordedEvent> {
    for await (const { decoded } of log) {
      if (!decoded.ok) continue; // the projections report it; a live view has nothing to show
      const { event } = decoded.value;
      if (ofType && event.type === "device.registered") {
        if (event.data.type === filter.deviceType) ofType.add(event.deviceId);
        else ofType.delete(event.deviceId);
      }
      if (ofType && !ofType.has(event.deviceId)) continue;
      if (wanted && !wanted.has(event.type)) continue;
      yield decoded.value;
    }
  }

  return { events: events(), close: () => log.close() };
}
