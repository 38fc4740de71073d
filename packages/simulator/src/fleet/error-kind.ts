import {
  BufferOverflowError,
  DeviceClosedError,
  FlushTimeoutError,
  PublishRejectedError,
} from "@uaip/device-sdk";

/**
 * A short, stable name for what went wrong, to count errors by kind: `buffer-overflow`,
 * `rejected-<JetStream code>`, `device-closed`, `flush-timeout`, else the error's code or
 * name.
 *
 * @example
 * errorKind(new PublishRejectedError(10071, "uaip.device.x.registered", "wrong last sequence")); // "rejected-10071"
 */
export function errorKind(err: unknown): string {
  if (err instanceof BufferOverflowError) return "buffer-overflow";
  if (err instanceof PublishRejectedError) return `rejected-${err.code}`;
  if (err instanceof DeviceClosedError) return "device-closed";
  if (err instanceof FlushTimeoutError) return "flush-timeout";
  const e = err as { code?: unknown; name?: unknown } | null;
  if (typeof e?.code === "string" && e.code !== "") return e.code.toLowerCase();
  if (typeof e?.name === "string" && e.name !== "Error") return e.name;
  return "error";
}
