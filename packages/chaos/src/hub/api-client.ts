/** What one HTTP call gave: a status and body, or the network error that prevented one. */
export interface ApiAnswer {
  /** 0 when no HTTP answer came (connection refused, timeout). */
  readonly status: number;
  readonly contentType: string;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are JSON of many shapes; callers read the fields they check.
  readonly body: any;
  /** The network error's code (ECONNREFUSED, TimeoutError…) when `status` is 0. */
  readonly error?: string;
}

export interface ApiClient {
  readonly baseUrl: string;
  request(
    method: string,
    path: string,
    opts?: { body?: unknown; headers?: Record<string, string>; timeoutMs?: number },
  ): Promise<ApiAnswer>;
  get(path: string, timeoutMs?: number): Promise<ApiAnswer>;
}

/**
 * A small client of the hub's HTTP API with an API key, which never throws: a refused
 * connection or a timeout is an answer with status 0, so outage probes can count it.
 *
 * @example
 * const api = apiClient(hub.url, key);
 * const r = await api.get("/api/v1/devices/lamp-1"); // { status: 200, body: { id, version, … } }
 */
export function apiClient(baseUrl: string, key?: string): ApiClient {
  const request: ApiClient["request"] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(opts.body !== undefined ? { "content-type": "application/json" } : {}),
      ...opts.headers,
    };
    try {
      const res = await fetch(`${baseUrl}${path}`, {
        method,
        headers,
        ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 20_000),
      });
      const contentType = res.headers.get("content-type") ?? "";
      const text = await res.text();
      let body: unknown = text;
      if (contentType.includes("json")) {
        try {
          body = JSON.parse(text);
        } catch {
          // Keep the text: a broken JSON body is worth reporting as it is.
        }
      }
      return { status: res.status, contentType, body };
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      return { status: 0, contentType: "", body: null, error: e.cause?.code ?? e.name };
    }
  };
  return { baseUrl, request, get: (path, timeoutMs) => request("GET", path, { timeoutMs }) };
}
