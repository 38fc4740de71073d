/**
 * A seeded pseudo-random generator: the same seed gives the same sequence on every machine,
 * so a simulation can be replayed. Not for anything secret.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
  /** A whole number in [min, max], both included. */
  int(min: number, max: number): number;
  /** True with probability `p` (0–1). */
  chance(p: number): boolean;
  /** Normally distributed (Box–Muller). */
  normal(mean?: number, sd?: number): number;
  pick<T>(items: readonly T[]): T;
  /** An independent generator derived from this one's seed and `label`, e.g. one per device. */
  fork(label: string): Rng;
}

/** A 32-bit hash of a string (FNV-1a), to turn names into seeds. */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * mulberry32: small, fast, and good enough for simulated readings.
 *
 * @example
 * const rng = createRng(42);
 * rng.between(18, 24); // the same number for seed 42, every run
 * const lamp = rng.fork("lamp-1"); // its own stream, unaffected by how others draw
 */
export function createRng(seed: number | string): Rng {
  const base = typeof seed === "string" ? hashSeed(seed) : seed >>> 0;
  let state = base;
  let spare: number | undefined;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng: Rng = {
    next,
    between: (min, max) => min + (max - min) * next(),
    int: (min, max) => min + Math.floor((max - min + 1) * next()),
    chance: (p) => next() < p,
    normal(mean = 0, sd = 1) {
      if (spare !== undefined) {
        const z = spare;
        spare = undefined;
        return mean + sd * z;
      }
      const u = 1 - next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return mean + sd * r * Math.cos(2 * Math.PI * v);
    },
    pick: (items) => {
      if (items.length === 0) throw new RangeError("pick: no items");
      return items[Math.floor(next() * items.length)]!;
    },
    fork: (label) => createRng(hashSeed(`${base}:${label}`)),
  };
  return rng;
}
