import { errors as natsErrors } from "@nats-io/transport-node";
import { CheckpointConflictError } from "@uaip/projections";
import { ReplyError } from "ioredis";
import { MaxRetriesPerRequestError } from "ioredis/built/errors/index.js";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { isTransient } from "./errors.ts";

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
const sqlState = (code: string) =>
  Object.assign(new pg.DatabaseError(`sqlstate ${code}`, 0, "error"), { code });

describe("is transient", () => {
  it.each([
    ["a socket refused", withCode("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED")],
    ["a socket reset", withCode("read ECONNRESET", "ECONNRESET")],
    ["a socket timed out", withCode("connect ETIMEDOUT", "ETIMEDOUT")],
    ["a broken pipe", withCode("write EPIPE", "EPIPE")],
    ["a name not resolved", withCode("getaddrinfo ENOTFOUND db", "ENOTFOUND")],
    ["a resolver busy", withCode("getaddrinfo EAI_AGAIN db", "EAI_AGAIN")],
    ["pg: Connection terminated", new Error("Connection terminated")],
    ["pg: Connection terminated unexpectedly", new Error("Connection terminated unexpectedly")],
    ["pg: connection timeout", new Error("Connection terminated due to connection timeout")],
    ["pg-pool: timeout exceeded", new Error("timeout exceeded when trying to connect")],
    ["PostgreSQL 08006 connection failure", sqlState("08006")],
    ["PostgreSQL 53300 too many connections", sqlState("53300")],
    ["PostgreSQL 53100 disk full", sqlState("53100")],
    ["PostgreSQL 57P01 admin shutdown", sqlState("57P01")],
    ["PostgreSQL 57P02 crash shutdown", sqlState("57P02")],
    ["PostgreSQL 57P03 cannot connect now", sqlState("57P03")],
    ["PostgreSQL 57P04 database dropped", sqlState("57P04")],
    ["PostgreSQL 57P05 idle session timeout", sqlState("57P05")],
    ["PostgreSQL 57014 query cancelled", sqlState("57014")],
    ["PostgreSQL 40001 serialization failure", sqlState("40001")],
    ["PostgreSQL 40P01 deadlock", sqlState("40P01")],
    ["ioredis: Connection is closed.", new Error("Connection is closed.")],
    [
      "ioredis: offline queue off",
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
    ],
    ["ioredis: MaxRetriesPerRequestError", new MaxRetriesPerRequestError(20)],
    ["Redis READONLY", new ReplyError("READONLY You can't write against a read only replica.")],
    ["Redis LOADING", new ReplyError("LOADING Redis is loading the dataset in memory")],
    ["NATS closed connection", new natsErrors.ClosedConnectionError()],
    ["NATS timeout", new natsErrors.TimeoutError()],
    ["a cause that is transient", new Error("commit failed", { cause: sqlState("08006") })],
  ])("is transient - %s", (_, err) => {
    expect(isTransient(err)).toBe(true);
  });

  it.each([
    ["a bad statement", sqlState("42601")],
    ["a division by zero", sqlState("22012")],
    ["a unique violation", sqlState("23505")],
    ["a wrong Redis type", new ReplyError("WRONGTYPE Operation against a key")],
    ["a checkpoint conflict", new CheckpointConflictError("devices", 7)],
    ["an unfoldable event", new Error("cannot read properties of undefined")],
    [
      "a connection error's text inside another message",
      new Error("Connection terminated by a test"),
    ],
    ["not an error", "Connection is closed."],
    ["nothing", undefined],
  ])("is transient - not %s", (_, err) => {
    expect(isTransient(err)).toBe(false);
  });
});
