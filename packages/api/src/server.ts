import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";

export interface RunningServer extends AsyncDisposable {
  readonly url: string;
  close(): Promise<void>;
}

/** Listens on host:port (port 0 picks a free one) and resolves once it accepts requests. */
export function listen(
  app: { fetch: (request: Request) => Response | Promise<Response> },
  host: string,
  port: number,
): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info: AddressInfo) => {
      const shownHost = host.includes(":") ? `[${host}]` : host;
      const close = () =>
        new Promise<void>((done) => {
          server.close(() => done());
          // Idle keep-alive sockets would hold close() open.
          (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        });
      resolve({ url: `http://${shownHost}:${info.port}`, close, [Symbol.asyncDispose]: close });
    });
    server.once("error", reject);
  });
}
