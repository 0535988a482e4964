/**
 * The benchmarks' smoke mode. `BENCH_SMOKE=1 npm run bench:<name>` runs the same code paths with
 * small sizes and short durations (a few seconds), so `npm run bench:smoke` (and CI) can prove
 * that every bench still runs and prints its figures. The figures of a smoke run mean nothing
 * against the targets; every bench must honour this flag (see scripts/bench-smoke.ts).
 */
export const BENCH_SMOKE = process.env.BENCH_SMOKE === '1';

/** `full` normally, `smoke` under BENCH_SMOKE=1. */
export function smokeOr<T>(smoke: T, full: T): T {
  return BENCH_SMOKE ? smoke : full;
}
