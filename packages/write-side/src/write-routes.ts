import type { Context } from "hono";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cancelCommand } from "./cancel-command.ts";
import { CommandWatcher } from "./command-watcher.ts";
import { decommissionDevice } from "./decommission-device.ts";
import { issueCommand } from "./issue-command.ts";
import { parseInput } from "./parse-input.ts";
import { registerDevice, type Stored } from "./register-device.ts";
import { updateDevice } from "./update-device.ts";
import { waitForCommand } from "./wait-for-command.ts";
import type { WriteDeps } from "./write-deps.ts";
import { InvalidInputError, UnknownCommandError } from "./write-errors.ts";
import { payloadTooLarge, toProblem } from "./write-problems.ts";
import { IfMatchSchema, WaitSchema } from "./write-schemas.ts";

export interface WriteRoutesOptions {
  /** Largest body accepted (413 past it). Default 64 KiB, the streams' largest message. */
  readonly bodyLimitBytes?: number;
  /** Serve `GET /commands/:id?wait=` (leave false where the query API serves it). Default true. */
  readonly commandReads?: boolean;
}

/**
 * The HTTP writes, to mount under `/api/v1`:
 *
 * | route | answers |
 * |---|---|
 * | `POST /devices` | 201 `{ device, stream, seq }`; 409 if the id was ever registered |
 * | `PATCH /devices/:id` (`If-Match`) | 200 `{ deviceId, changes, stream, seq }`; 412 stale version |
 * | `DELETE /devices/:id` | 200 `{ deviceId, decommissionedAt, stream, seq, alreadyDecommissioned }` |
 * | `POST /devices/:id/commands` (`Idempotency-Key`) | 202 `{ commandId, …, stream, seq, created }`; 404, 409, 422 |
 * | `POST /commands/:id/cancel` | 202 `{ commandId, deviceId, stream, seq, alreadyCancelled }`; 404, 409 |
 * | `GET /commands/:id?wait=30` | 200 the command once final or when the wait ends; 404 |
 *
 * Every write answers with the stream sequence it was stored at, also as the header
 * `X-Stream-Sequence: <stream>:<seq>`, which a read can send back as `X-Min-Sequence`.
 * Errors are thrown as HttpProblem, for the app's error handler.
 *
 * @example
 * app.route("/api/v1", writeRoutes(deps));
 */
export function writeRoutes(deps: WriteDeps, opts: WriteRoutesOptions = {}): Hono {
  const limit = opts.bodyLimitBytes ?? 64 * 1024;
  const limited = bodyLimit({
    maxSize: limit,
    onError: () => {
      throw payloadTooLarge(limit);
    },
  });
  const watcher = new CommandWatcher(deps.nc, deps.namespace);
  const app = new Hono();

  app.post("/devices", limited, (c) =>
    answer(async () => {
      const r = await registerDevice(deps, await jsonBody(c));
      c.header("location", `${c.req.path.replace(/\/$/, "")}/${r.device.id}`);
      c.header("etag", `"${r.seq}"`);
      return c.json(written(c, r), 201);
    }),
  );

  app.patch("/devices/:id", limited, (c) =>
    answer(async () => {
      const raw = c.req.header("if-match");
      const ifMatch =
        raw === undefined ? undefined : parseInput(IfMatchSchema, raw, "header", "If-Match");
      const r = await updateDevice(deps, c.req.param("id"), await jsonBody(c), ifMatch);
      c.header("etag", `"${r.seq}"`);
      return c.json(written(c, r), 200);
    }),
  );

  app.delete("/devices/:id", limited, (c) =>
    answer(async () => {
      const r = await decommissionDevice(deps, c.req.param("id"), await jsonBody(c, {}));
      return c.json(written(c, r), 200);
    }),
  );

  app.post("/devices/:id/commands", limited, (c) =>
    answer(async () => {
      const r = await issueCommand(
        deps,
        c.req.param("id"),
        await jsonBody(c),
        c.req.header("idempotency-key"),
      );
      c.header("location", `${c.req.path.split("/devices/")[0]}/commands/${r.commandId}`);
      if (!r.created) c.header("idempotent-replayed", "true");
      return c.json({ ...written(c, r), state: "issued" }, 202);
    }),
  );

  app.post("/commands/:id/cancel", limited, (c) =>
    answer(async () => {
      const r = await cancelCommand(deps, c.req.param("id"), await jsonBody(c, {}));
      return c.json({ ...written(c, r), state: "cancelled" }, 202);
    }),
  );

  if (opts.commandReads ?? true) {
    app.get("/commands/:id", (c) =>
      answer(async () => {
        const id = c.req.param("id");
        const raw = c.req.query("wait");
        const waitMs = raw === undefined ? 0 : parseInput(WaitSchema, raw, "query", "wait");
        const view = await waitForCommand(deps, watcher, id, waitMs);
        if (!view) throw new UnknownCommandError(id);
        return c.json(view, 200);
      }),
    );
  }
  return app;
}

async function answer(work: () => Promise<Response>): Promise<Response> {
  try {
    return await work();
  } catch (err) {
    throw toProblem(err);
  }
}

function written<T extends Stored>(c: Context, r: T): T {
  c.header("x-stream-sequence", `${r.stream}:${r.seq}`);
  return r;
}

async function jsonBody(c: Context, empty?: unknown): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "" && empty !== undefined) return empty;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InvalidInputError(
      [{ field: "(root)", rule: "json", message: `not valid JSON: ${(err as Error).message}` }],
      "body",
    );
  }
}
