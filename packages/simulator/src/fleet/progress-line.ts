import type { FleetProgress } from "./fleet-stats.ts";

const int = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/**
 * One line saying how the run goes.
 *
 * @example
 * progressLine(p, 10_000);
 * // "12s/60s · 1000/1000 devices online · 9,987 ev/s (target 10,000) · 120,345 stored · 12 pending · 0 errors"
 */
export function progressLine(p: FleetProgress, target?: number, extra?: string): string {
  const secs = Math.floor(p.elapsedMs / 1000);
  const parts = [
    p.durationMs > 0 ? `${secs}s/${Math.round(p.durationMs / 1000)}s` : `${secs}s`,
    `${p.online}/${p.devices} devices online`,
    `${int.format(p.eventsPerSecond)} ev/s${target ? ` (target ${int.format(target)})` : ""}`,
    `${int.format(p.stored)} stored`,
    `${int.format(p.pending)} pending`,
    `${int.format(p.errors)} error${p.errors === 1 ? "" : "s"}`,
  ];
  if (extra) parts.push(extra);
  return parts.join(" · ");
}

/** Writes progress lines: rewritten in place on a terminal, one every `plainEveryMs` otherwise. */
export interface ProgressWriter {
  update(line: string): void;
  /** Ends the line in place (a terminal) so what follows starts on a fresh line. */
  done(): void;
}

export function progressWriter(
  stream: NodeJS.WriteStream = process.stderr,
  plainEveryMs = 10_000,
): ProgressWriter {
  let last = 0;
  let drawn = false;
  return {
    update(line) {
      if (stream.isTTY) {
        stream.write(`\r${line.slice(0, Math.max(20, (stream.columns ?? 120) - 1))}\x1b[K`);
        drawn = true;
        return;
      }
      const now = Date.now();
      if (now - last >= plainEveryMs) {
        stream.write(`${line}\n`);
        last = now;
      }
    },
    done() {
      if (drawn) stream.write("\n");
      drawn = false;
    },
  };
}
