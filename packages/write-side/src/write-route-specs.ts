import { CommandIdSchema } from "@uaip/events";
import { defineRoute, type Route, type RouteContext } from "@uaip/http-kit";
import * as v from "valibot";
import { cancelCommand } from "./cancel-command.ts";
import { decommissionDevice } from "./decommission-device.ts";
import { issueCommand } from "./issue-command.ts";
import { registerDevice, type Stored } from "./register-device.ts";
import { updateDevice } from "./update-device.ts";
import type { WriteDeps } from "./write-deps.ts";
import { writeProblem } from "./write-problems.ts";
import {
  CommandCancelledSchema,
  CommandIssuedSchema,
  DeviceDecommissionedSchema,
  DeviceRegisteredSchema,
  DeviceUpdatedSchema,
} from "./write-responses.ts";
import {
  CancelCommandBody,
  DecommissionDeviceBody,
  DeviceIdSchema,
  IdempotencyKeySchema,
  IfMatchSchema,
  IssueCommandBody,
  RegisterDeviceBody,
  UpdateDeviceBody,
} from "./write-schemas.ts";

/** Largest body a write takes: the streams' largest message (64 KiB). Larger: 413. */
export const WriteBodyLimitBytes = 64 * 1024;

const DevicePath = v.object({ id: DeviceIdSchema });
const CommandPath = v.object({ id: CommandIdSchema });

/**
 * The operators' writes as API routes, each needing a key with the `write` scope:
 *
 * | route | answers |
 * |---|---|
 * | `POST /api/v1/devices` | 201 `{ device, stream, seq }`; 409 if the id was ever registered |
 * | `PATCH /api/v1/devices/{id}` (`If-Match`) | 200 `{ deviceId, changes, stream, seq }`; 412 stale version |
 * | `DELETE /api/v1/devices/{id}` | 200 `{ deviceId, decommissionedAt, stream, seq, alreadyDecommissioned }` |
 * | `POST /api/v1/devices/{id}/commands` (`Idempotency-Key`) | 202 `{ commandId, …, stream, seq, created }`; 404, 409, 422 |
 * | `POST /api/v1/commands/{id}/cancel` | 202 `{ commandId, deviceId, stream, seq, alreadyCancelled }`; 404, 409 |
 *
 * Every write answers with the stream sequence it was stored at, also as the header
 * `X-Stream-Sequence: <stream>:<seq>`, which a read can send back as `X-Min-Sequence`.
 * Errors are the write errors, which each route declares as problems (`writeProblem`) for the
 * app's error handler: problem+json naming the field. Reading a command, and waiting for its
 * outcome, is the API's own `GET /api/v1/commands/{id}?wait=`.
 *
 * @example
 * createApp({ ...deps, routes: (s) => writeRouteSpecs({ ...s.deps, db: s.db }) });
 */
export function writeRouteSpecs(deps: WriteDeps): Route[] {
  return [
    defineRoute({
      method: "post",
      path: "/api/v1/devices",
      operationId: "registerDevice",
      summary: "Register a device",
      description:
        "Stores `device.registered`. Ids are never reused: of any number of registrations of one id, exactly one is stored and the others get 409. Answers with `Location`, `ETag` (the device's version) and `X-Stream-Sequence`.",
      tag: "devices",
      scope: "write",
      body: RegisterDeviceBody,
      bodyLimitBytes: WriteBodyLimitBytes,
      problems: writeProblem,
      responses: {
        201: { description: "Registered", schema: DeviceRegisteredSchema },
        409: { description: "A device with this id was registered before" },
      },
      handler: async (c, { body }) => {
        const r = await registerDevice(deps, body);
        c.header("location", `${c.req.path.replace(/\/$/, "")}/${r.device.id}`);
        c.header("etag", `"${r.seq}"`);
        return c.json(written(c, r), 201);
      },
    }),
    defineRoute({
      method: "patch",
      path: "/api/v1/devices/{id}",
      operationId: "updateDevice",
      summary: "Change a device's registry fields",
      description:
        "Stores `device.updated` with the fields given (at least one; `type` never changes). With `If-Match` (a version from `GET /devices/{id}` or an `ETag`), it is stored only if no registry change came after that version, else 412. Answers with `ETag` and `X-Stream-Sequence`.",
      tag: "devices",
      scope: "write",
      params: DevicePath,
      headers: v.object({
        "if-match": v.optional(
          v.pipe(
            IfMatchSchema,
            v.description('The version last read ("12", W/"12" or 12), or * for any'),
          ),
        ),
      }),
      body: UpdateDeviceBody,
      bodyLimitBytes: WriteBodyLimitBytes,
      problems: writeProblem,
      responses: {
        200: { description: "Changed", schema: DeviceUpdatedSchema },
        404: { description: "No such device" },
        409: { description: "The device was decommissioned" },
        412: { description: "The device changed after the If-Match version" },
      },
      handler: async (c, { params, headers, body }) => {
        const r = await updateDevice(deps, params.id, body, headers["if-match"]);
        c.header("etag", `"${r.seq}"`);
        return c.json(written(c, r), 200);
      },
    }),
    defineRoute({
      method: "delete",
      path: "/api/v1/devices/{id}",
      operationId: "decommissionDevice",
      summary: "Decommission a device",
      description:
        "Stores `device.decommissioned`, for good: the device takes no more commands or changes, and its open commands are cancelled. Doing it again answers with the first decommissioning. The body (an optional `reason`) may be left out.",
      tag: "devices",
      scope: "write",
      params: DevicePath,
      body: v.optional(DecommissionDeviceBody, {}),
      bodyLimitBytes: WriteBodyLimitBytes,
      problems: writeProblem,
      responses: {
        200: { description: "Decommissioned", schema: DeviceDecommissionedSchema },
        404: { description: "No such device" },
      },
      handler: async (c, { params, body }) => {
        const r = await decommissionDevice(deps, params.id, body);
        return c.json(written(c, r), 200);
      },
    }),
    defineRoute({
      method: "post",
      path: "/api/v1/devices/{id}/commands",
      operationId: "issueCommand",
      summary: "Issue a command to a device",
      description:
        "Stores `command.issued` for the dispatcher to deliver, if the device is registered, not decommissioned and declares the command among its capabilities. `ttl` (seconds, default 300) sets when it expires. With `Idempotency-Key`, retries of the same request (concurrent or days later) store one command and answer with it (`Idempotent-Replayed: true`). Answers with `Location` (where to follow it: `GET /commands/{id}?wait=`) and `X-Stream-Sequence`.",
      tag: "commands",
      scope: "write",
      params: DevicePath,
      headers: v.object({
        "idempotency-key": v.optional(
          v.pipe(
            IdempotencyKeySchema,
            v.description("Makes retries of this request store and answer one command"),
          ),
        ),
      }),
      body: IssueCommandBody,
      bodyLimitBytes: WriteBodyLimitBytes,
      problems: writeProblem,
      responses: {
        202: { description: "Issued", schema: CommandIssuedSchema },
        404: { description: "No such device" },
        409: { description: "The device was decommissioned" },
        422: {
          description:
            "The device does not declare this command, or the Idempotency-Key was used for another command",
        },
      },
      handler: async (c, { params, headers, body }) => {
        const r = await issueCommand(
          deps,
          params.id,
          body,
          headers["idempotency-key"],
          c.get("apiKey")?.name,
        );
        c.header("location", `${c.req.path.split("/devices/")[0]}/commands/${r.commandId}`);
        if (!r.created) c.header("idempotent-replayed", "true");
        return c.json({ ...written(c, r), state: "issued" }, 202);
      },
    }),
    defineRoute({
      method: "post",
      path: "/api/v1/commands/{id}/cancel",
      operationId: "cancelCommand",
      summary: "Cancel a command",
      description:
        "Stores `command.cancelled` for a command that has not ended; it is not delivered afterwards. Cancelling again answers with the first cancellation. The body (an optional `reason`) may be left out.",
      tag: "commands",
      scope: "write",
      params: CommandPath,
      body: v.optional(CancelCommandBody, {}),
      bodyLimitBytes: WriteBodyLimitBytes,
      problems: writeProblem,
      responses: {
        202: { description: "Cancelled", schema: CommandCancelledSchema },
        404: { description: "No such command" },
        409: { description: "The command already ended (completed, failed or expired)" },
      },
      handler: async (c, { params, body }) => {
        const r = await cancelCommand(deps, params.id, body);
        return c.json({ ...written(c, r), state: "cancelled" }, 202);
      },
    }),
  ];
}

function written<T extends Stored>(c: RouteContext, r: T): T {
  c.header("x-stream-sequence", `${r.stream}:${r.seq}`);
  return r;
}
