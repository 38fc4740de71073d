import { connect } from "node:net";

/** An HTTP/1.1 answer as read off the socket. */
export interface RawAnswer {
  readonly status: number;
  /** Header names in lowercase; a repeated header keeps its last value. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

function dechunk(data: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = data.indexOf("\r\n", at);
    if (eol === -1) return undefined;
    const size = Number.parseInt(data.subarray(at, eol).toString("latin1"), 16);
    if (!Number.isFinite(size)) return undefined;
    if (size === 0) return Buffer.concat(parts);
    if (data.length < eol + 2 + size) return undefined;
    parts.push(data.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}

/**
 * Sends `request` (every byte as given: any method, target, header or body) to host:port
 * and reads one answer. The answer ends at its Content-Length, its last chunk, or the
 * socket's end; a streamed 200 (SSE, NDJSON) ends once its headers are in. Rejects when the
 * socket closes, or `timeoutMs` passes, before a whole answer came.
 *
 * @example
 * const a = await rawRequest("127.0.0.1", port, Buffer.from("GET /%FF HTTP/1.1\r\nHost: x\r\n\r\n"));
 */
export function rawRequest(
  host: string,
  port: number,
  request: Buffer,
  timeoutMs = 15_000,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, host);
    let data = Buffer.alloc(0);
    let done = false;
    const finish = (result: RawAnswer | Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    const timer = setTimeout(
      () => finish(new Error(`no whole answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const parse = (ended: boolean): RawAnswer | undefined => {
      const head = data.indexOf("\r\n\r\n");
      if (head === -1) return undefined;
      const lines = data.subarray(0, head).toString("latin1").split("\r\n");
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? "")?.[1] ?? Number.NaN);
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(":");
        if (colon > 0)
          headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const rest = data.subarray(head + 4);
      const type = headers["content-type"] ?? "";
      if (status === 200 && /event-stream|ndjson/.test(type))
        return { status, headers, body: Buffer.alloc(0) };
      if (headers["content-length"] !== undefined) {
        const length = Number(headers["content-length"]);
        return rest.length >= length
          ? { status, headers, body: rest.subarray(0, length) }
          : undefined;
      }
      if (/chunked/i.test(headers["transfer-encoding"] ?? "")) {
        const body = dechunk(rest);
        return body ? { status, headers, body } : undefined;
      }
      return ended ? { status, headers, body: rest } : undefined;
    };
    socket.on("data", (chunk) => {
      data = Buffer.concat([data, chunk]);
      const answer = parse(false);
      if (answer) finish(answer);
    });
    socket.on("end", () =>
      finish(parse(true) ?? new Error("the socket closed before a whole answer")),
    );
    // The server may answer (413, 400) and close before the whole request was written.
    socket.on("error", (err) => {
      if (!done) finish(parse(true) ?? err);
    });
    socket.on("close", () =>
      finish(parse(true) ?? new Error("the socket closed before a whole answer")),
    );
    socket.write(request);
  });
}
