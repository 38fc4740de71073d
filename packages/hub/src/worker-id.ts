import { randomBytes } from "node:crypto";
import { hostname } from "node:os";

/** A name for this process among the hub's workers (lease owner): `host:pid:random`. */
export function workerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
}
