/**
 * The subjects of one device beyond the event catalog's: where it receives commands, where
 * it sends heartbeats, and the reply prefix its own requests (JetStream acks) use. All of
 * them carry the device id, so a per-device permission can name them (see @uaip/credentials).
 *
 * @example
 * const s = deviceSubjects("uaip", "lamp-1");
 * s.inbox;       // "uaip.inbox.lamp-1"
 * s.heartbeat;   // "uaip.heartbeat.lamp-1" (core NATS, never stored)
 * s.replyPrefix; // "_INBOX.uaip.lamp-1"
 */
export function deviceSubjects(namespace: string, deviceId: string) {
  return {
    /** Core subject the device answers command requests on. */
    inbox: `${namespace}.inbox.${deviceId}`,
    /**
     * Core subject for heartbeats, outside `<ns>.device.` (which the DEVICES stream captures
     * whole), so they are never stored; the device's permissions name it exactly.
     */
    heartbeat: `${namespace}.heartbeat.${deviceId}`,
    /**
     * Inbox prefix for the device's connection (`inboxPrefix` in nats.js), so JetStream acks
     * come back on subjects no other device may subscribe to.
     */
    replyPrefix: `_INBOX.${namespace}.${deviceId}`,
  };
}

/**
 * Core-NATS filters that see every message a device sends: its events, heartbeats,
 * telemetry and command outcomes. The presence tracker subscribes to these; the first also
 * carries what the hub appends for devices (status from the watchdog, registrations by
 * operators), which the tracker tells apart by the subject's origin token. (The hub's
 * command events, one token longer, do not match the last.)
 */
export function presenceFilters(namespace: string): string[] {
  return [
    `${namespace}.device.*.>`,
    `${namespace}.heartbeat.*`,
    `${namespace}.telemetry.*`,
    `${namespace}.command.*.*.*`,
  ];
}
