import { type DeviceModel, numberParam, unknownCommand } from "./device-model.ts";
import { approach, chanceIn, fixed, walk } from "./signals.ts";

export interface PatientMonitorState {
  /** This patient's resting heart rate, bpm. */
  readonly baselineHr: number;
  readonly heartRate: number;
  readonly spo2: number;
  readonly systolic: number;
  readonly diastolic: number;
  readonly respRate: number;
  /** Epoch ms until which a tachycardia episode lasts (0: none). */
  readonly episodeUntil: number;
  readonly limits: { readonly hrLow: number; readonly hrHigh: number; readonly spo2Low: number };
  /** Epoch ms until which the alarm is silenced. */
  readonly silencedUntil: number;
  readonly alarm: boolean;
}

/**
 * A bedside patient monitor: vitals wander around the patient's baseline; now and then a
 * tachycardia episode raises the heart rate and lowers SpO₂, which trips the alarm unless
 * it was silenced.
 */
export const patientMonitor: DeviceModel<PatientMonitorState> = {
  type: "patient-monitor",
  description: "Patient monitor: heart rate, SpO2, blood pressure, respiration, alarm",
  capabilities: ["set_alarm_limits", "silence_alarm"],
  metrics: ["heart_rate", "spo2", "bp_systolic", "bp_diastolic", "resp_rate", "alarm"],
  defaultIntervalMs: 2_000,
  faultReasons: ["ECG lead off", "SpO2 probe disconnected"],

  initial(rng) {
    const baselineHr = rng.between(60, 85);
    return {
      baselineHr,
      heartRate: baselineHr,
      spo2: rng.between(96, 99),
      systolic: rng.between(110, 135),
      diastolic: rng.between(70, 85),
      respRate: rng.between(12, 18),
      episodeUntil: 0,
      limits: { hrLow: 45, hrHigh: 120, spo2Low: 90 },
      silencedUntil: 0,
      alarm: false,
    };
  },

  step(s, dtMs, { at, rng }) {
    const now = at.getTime();
    const episodeUntil =
      now >= s.episodeUntil && rng.chance(chanceIn(0.5, dtMs))
        ? now + rng.int(60, 300) * 1_000
        : s.episodeUntil;
    const episode = now < episodeUntil;
    const hrGoal = episode ? s.baselineHr + 50 : s.baselineHr;
    const heartRate = walk(
      approach(s.heartRate, hrGoal, 20_000, dtMs),
      { min: 35, max: 190, perSecond: 0.8 },
      dtMs,
      rng,
    );
    const spo2Goal = episode ? 89 : 97.5;
    const spo2 = walk(
      approach(s.spo2, spo2Goal, 30_000, dtMs),
      { min: 80, max: 100, perSecond: 0.15 },
      dtMs,
      rng,
    );
    const systolic = walk(s.systolic, { min: 90, max: 170, perSecond: 0.3 }, dtMs, rng);
    const diastolic = walk(s.diastolic, { min: 55, max: 105, perSecond: 0.2 }, dtMs, rng);
    const respRate = walk(s.respRate, { min: 8, max: 30, perSecond: 0.1 }, dtMs, rng);
    const next = { ...s, episodeUntil, heartRate, spo2, systolic, diastolic, respRate };
    return { ...next, alarm: alarmFor(next, now) };
  },

  readings: (s) => ({
    heart_rate: Math.round(s.heartRate),
    spo2: fixed(s.spo2, 0),
    bp_systolic: Math.round(s.systolic),
    bp_diastolic: Math.round(Math.min(s.diastolic, s.systolic - 20)),
    resp_rate: Math.round(s.respRate),
    alarm: s.alarm ? 1 : 0,
  }),

  command(s, name, params, { at }) {
    const now = at.getTime();
    switch (name) {
      case "set_alarm_limits": {
        const hrLow =
          params.hr_low === undefined ? s.limits.hrLow : numberParam(params, ["hr_low"], 20, 100);
        const hrHigh =
          params.hr_high === undefined
            ? s.limits.hrHigh
            : numberParam(params, ["hr_high"], 60, 250);
        const spo2Low =
          params.spo2_low === undefined
            ? s.limits.spo2Low
            : numberParam(params, ["spo2_low"], 70, 99);
        const limits = { hrLow, hrHigh, spo2Low };
        const next = { ...s, limits };
        return { state: { ...next, alarm: alarmFor(next, now) }, result: { ...limits } };
      }
      case "silence_alarm": {
        const minutes = params.minutes === undefined ? 2 : numberParam(params, ["minutes"], 0, 10);
        const next = { ...s, silencedUntil: now + minutes * 60_000 };
        return {
          state: { ...next, alarm: alarmFor(next, now) },
          result: { silencedUntil: new Date(next.silencedUntil).toISOString() },
        };
      }
      default:
        throw unknownCommand("patient-monitor", name);
    }
  },
};

function alarmFor(s: PatientMonitorState, now: number): boolean {
  if (now < s.silencedUntil) return false;
  return s.heartRate > s.limits.hrHigh || s.heartRate < s.limits.hrLow || s.spo2 < s.limits.spo2Low;
}
