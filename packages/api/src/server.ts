import type { AddressInfo, Socket } from "node:net";
import { serve } from "@hono/node-server";

/** Node's parser errors (llhttp codes) that have their own status; the rest are a 400. */
const parserStatus: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, "Request header fields too large"],
  ERR_HTTP_REQUEST_TIMEOUT: [408, "Request timeout"],
};

/**
 * What a request Node's HTTP parser refused gets (raw NUL or control bytes in the request
 * line or a header, a malformed request): a problem+json like every other error, instead of
 * Node's bare "400 Bad Request" with no body. The connection is closed after it.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable || err.code === "ECONNRESET") {
    socket.destroy();
    return;
  }
  const [status, title] = parserStatus[err.code ?? ""] ?? [400, "Bad request"];
  const body = JSON.stringify({
    type: "https://uaip.dev/problems/malformed-request",
    title,
    status,
    detail: `the HTTP request could not be parsed (${err.code ?? "parse error"}): control bytes, NUL or bytes that are not ASCII in the request line or a header are refused`,
  });
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\ncontent-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

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
    server.on("clientError", answerClientError);
  });
}
