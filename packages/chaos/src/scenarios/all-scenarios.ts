import type { Scenario } from "../scenario/scenario.ts";
import { projectorKill } from "./projector-kill.ts";

/** Every scenario, in the order a run takes them. */
export const scenarios: readonly Scenario[] = [projectorKill];
