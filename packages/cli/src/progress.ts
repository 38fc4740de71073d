import { SingleBar } from "cli-progress";

/** A progress bar with rate and ETA on stderr; silent when stderr is not a terminal. */
export function progressBar(label: string): {
  update(value: number, total: number): void;
  stop(): void;
} {
  if (!process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new SingleBar({
    stream: process.stderr,
    format: `${label} [{bar}] {percentage}% | {value}/{total} | {rate} ev/s | ETA {eta_formatted}`,
    barsize: 30,
    hideCursor: true,
    etaBuffer: 50,
  });
  const started = Date.now();
  let running = false;
  return {
    update(value, total) {
      const rate = Math.round((value * 1000) / Math.max(1, Date.now() - started));
      if (!running) {
        bar.start(total, value, { rate });
        running = true;
      }
      bar.setTotal(total);
      bar.update(value, { rate });
    },
    stop() {
      if (running) bar.stop();
    },
  };
}
