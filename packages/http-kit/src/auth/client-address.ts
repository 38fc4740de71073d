import type { IncomingMessage } from "node:http";
import type { Context } from "hono";

/** What `listen()` (@hono/node-server) puts in `c.env`. */
type NodeBindings = { incoming?: IncomingMessage } | undefined;

/**
 * The address a request came from: the socket's peer, or, when that peer is one of
 * `trustedProxies`, the nearest address in `X-Forwarded-For` that is not a trusted proxy
 * (the header's right end is what the proxy itself saw). Requests driven in process
 * (`app.request()`, tests) have no socket and share the name `in-process`.
 *
 * @example
 * clientAddress(c, ["127.0.0.1"]); // "203.0.113.7" behind a local reverse proxy
 */
export function clientAddress(c: Context, trustedProxies: readonly string[]): string {
  const peer = (c.env as NodeBindings)?.incoming?.socket?.remoteAddress;
  if (peer === undefined) return "in-process";
  const address = peer.startsWith("::ffff:") ? peer.slice(7) : peer;
  if (!trustedProxies.includes(address)) return address;
  const forwarded = (c.req.header("x-forwarded-for") ?? "")
    .split(",")
    .map((a) => a.trim())
    .filter(Boolean);
  for (let i = forwarded.length - 1; i >= 0; i--) {
    const hop = forwarded[i]!;
    if (!trustedProxies.includes(hop)) return hop;
  }
  return address;
}
