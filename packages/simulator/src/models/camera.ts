import { type DeviceModel, numberParam, unknownCommand } from "./device-model.ts";
import { chanceIn, dailyCycle, fixed, walk } from "./signals.ts";

export interface CameraState {
  readonly streaming: boolean;
  /** Epoch ms until which motion is detected (0: none). */
  readonly motionUntil: number;
  readonly motion: boolean;
  /** Frames per second asked for when streaming. */
  readonly targetFps: number;
  readonly fps: number;
  readonly bitrateKbps: number;
  readonly snapshots: number;
}

/**
 * A security camera: streams (or not), detects motion now and then — more by day — and
 * spends more bitrate while something moves.
 */
export const camera: DeviceModel<CameraState> = {
  type: "camera",
  description: "Security camera: streaming, motion detected, fps, bitrate, snapshots",
  capabilities: ["start_stream", "stop_stream", "snapshot"],
  metrics: ["streaming", "motion", "fps", "bitrate_kbps", "snapshots"],
  defaultIntervalMs: 5_000,
  faultReasons: ["lens obstructed", "storage full"],

  initial: (rng) => ({
    streaming: rng.chance(0.8),
    motionUntil: 0,
    motion: false,
    targetFps: 25,
    fps: 25,
    bitrateKbps: 2_000,
    snapshots: 0,
  }),

  step(s, dtMs, { at, rng }) {
    const now = at.getTime();
    const perHour = dailyCycle(at, 14) > 0 ? 8 : 2;
    const motionUntil =
      now >= s.motionUntil && rng.chance(chanceIn(perHour, dtMs))
        ? now + rng.int(5, 30) * 1_000
        : s.motionUntil;
    const motion = now < motionUntil;
    if (!s.streaming) return { ...s, motionUntil, motion, fps: 0, bitrateKbps: 0 };
    const fps = walk(
      s.fps || s.targetFps,
      { min: s.targetFps * 0.8, max: s.targetFps, perSecond: 0.3 },
      dtMs,
      rng,
    );
    const base = motion ? 3_500 : 1_500;
    const bitrateKbps = walk(
      s.bitrateKbps || base,
      { min: base * 0.7, max: base * 1.3, perSecond: 60 },
      dtMs,
      rng,
    );
    return { ...s, motionUntil, motion, fps, bitrateKbps };
  },

  readings: (s) => ({
    streaming: s.streaming ? 1 : 0,
    motion: s.motion ? 1 : 0,
    fps: fixed(s.fps, 1),
    bitrate_kbps: Math.round(s.bitrateKbps),
    snapshots: s.snapshots,
  }),

  command(s, name, params, { at, rng }) {
    switch (name) {
      case "start_stream": {
        const targetFps =
          params.fps === undefined ? s.targetFps : Math.round(numberParam(params, ["fps"], 1, 60));
        return {
          state: { ...s, streaming: true, targetFps, fps: targetFps, bitrateKbps: 1_500 },
          result: { streaming: true, fps: targetFps },
        };
      }
      case "stop_stream":
        return {
          state: { ...s, streaming: false, fps: 0, bitrateKbps: 0 },
          result: { streaming: false },
        };
      case "snapshot": {
        const snapshots = s.snapshots + 1;
        return {
          state: { ...s, snapshots },
          result: {
            snapshot: snapshots,
            takenAt: at.toISOString(),
            bytes: rng.int(180_000, 420_000),
            motion: s.motion,
          },
        };
      }
      default:
        throw unknownCommand("camera", name);
    }
  },
};
