/** Where the hub's HTTP API is, and the key to send (`Authorization: Bearer`), if any. */
export interface ApiTarget {
  readonly url: string;
  readonly key?: string;
}

/** What one GET answered: status and parsed JSON body (undefined when it is not JSON). */
export interface ApiAnswer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * GET `path` on the API with the key and extra headers; throws only when no answer came
 * (connection refused, timeout).
 *
 * @example
 * const r = await apiGet({ url: "http://127.0.0.1:8443" }, "/api/v1/projections");
 */
export async function apiGet(
  api: ApiTarget,
  path: string,
  headers: Record<string, string> = {},
  timeoutMs = 15_000,
): Promise<ApiAnswer> {
  const res = await fetch(`${api.url.replace(/\/$/, "")}${path}`, {
    headers: { ...(api.key ? { authorization: `Bearer ${api.key}` } : {}), ...headers },
    signal: AbortSignal.timeout(Math.max(1, Math.ceil(timeoutMs))),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body };
}
