/**
 * Drives the simulator in real time: every 1/rate seconds one step for all assets, handed to the
 * pipeline as one batch. Ticks are scheduled against the wall clock so they do not drift, and a
 * tick that finds the previous batch still running is skipped rather than queued.
 */
import type { Logger } from '../log';
import type { Simulator } from '../plant/simulator';
import type { Pipeline } from './pipeline';

export function runSimulator(sim: Simulator, pipeline: Pipeline, rateHz: number, logger: Logger): { stop(): void } {
  const periodMs = 1000 / rateHz;
  let next = Date.now() + periodMs;
  let last = Date.now();
  let busy = false;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const tick = () => {
    if (stopped) return;
    const now = Date.now();
    if (!busy) {
      busy = true;
      const readings = sim.step((now - last) / 1000, now);
      last = now;
      pipeline
        .ingest(readings)
        .catch((err: unknown) => logger.error({ err }, 'simulator tick failed'))
        .finally(() => {
          busy = false;
        });
    }
    next += periodMs;
    // After a long stall (debugger, suspended laptop) restart the schedule instead of bursting.
    if (next < now) next = now + periodMs;
    timer = setTimeout(tick, next - Date.now());
  };
  timer = setTimeout(tick, periodMs);
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
