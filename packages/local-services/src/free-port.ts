import { createServer } from "node:net";

/**
 * A TCP port nobody listens on right now, chosen by the OS.
 *
 * Another process could take it before the caller binds it; callers that spawn a server
 * on it retry with a fresh port when the server exits early.
 */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("OS gave no port"))));
    });
  });
}
