/** PostgreSQL (pg) errors that mean "not reachable now", not "bad query". */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return (
    [
      "ECONNREFUSED",
      "ECONNRESET",
      "ETIMEDOUT",
      "EHOSTUNREACH",
      "57P01",
      "57P03",
      "57014",
      "08006",
      "08001",
      "08003",
    ].includes(e.code ?? "") ||
    /timeout exceeded when trying to connect|Connection terminated|Query read timeout|driver has already been destroyed/i.test(
      e.message ?? "",
    )
  );
}
