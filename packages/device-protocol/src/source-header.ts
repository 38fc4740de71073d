/**
 * Header the hub sets on every event it appends (`hub` or `operator`, as in the envelope's
 * `source`), so the presence tracker can tell a device's own messages from the hub's
 * without parsing bodies. A device's messages do not carry it.
 */
export const SourceHeader = "Uaip-Source";
