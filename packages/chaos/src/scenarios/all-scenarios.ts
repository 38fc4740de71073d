import type { Scenario } from "../scenario/scenario.ts";
import { dispatcherKill } from "./dispatcher-kill.ts";
import { forgedMsgId } from "./forged-msg-id.ts";
import { natsKillRestart } from "./nats-kill-restart.ts";
import { postgresStop } from "./postgres-stop.ts";
import { projectorKill } from "./projector-kill.ts";
import { redisRestart } from "./redis-restart.ts";
import { resurrection } from "./resurrection.ts";

/** Every scenario, in the order a run takes them. */
export const scenarios: readonly Scenario[] = [
  projectorKill,
  natsKillRestart,
  postgresStop,
  redisRestart,
  dispatcherKill,
  forgedMsgId,
  resurrection,
];
