/**
 * A day of alarms to show the KPI page with (`npm run alarms:seed-day`, and the browser tests):
 * deterministic for a day and a seed, written through the real repository transitions on the
 * assets `seed-unit-1..3` only (rules of their own, so no live rule is touched). Every alarm is
 * acknowledged and back to normal by the next day, so nothing of it stays on the operator's list.
 *
 * Its shape: background alarms all day (mostly low priority), a flood at 14:00 (16 alarms in
 * 10 minutes), a chattering vibration alarm at 09:30 (4 in 45 s), an alarm raised the evening
 * before and active for 32 h (stale, standing at midnight) and one raised at 23:40 (standing).
 */
import type { AlertsRepo } from '../db/alerts-repo';
import { writeAlarmHistory, type Episode, type HistoryRule } from './alarm-history';

export const SEED_ASSETS = ['seed-unit-1', 'seed-unit-2', 'seed-unit-3'] as const;

const r = (assetId: string, signal: string, priority: HistoryRule['priority']): HistoryRule => ({
  assetId,
  signal,
  priority,
});
const RULES: HistoryRule[] = [
  r('seed-unit-1', 'temperature', 'high'),
  r('seed-unit-1', 'pressure', 'medium'),
  r('seed-unit-1', 'level', 'low'),
  r('seed-unit-1', 'flow', 'low'),
  r('seed-unit-2', 'temperature', 'urgent'),
  r('seed-unit-2', 'pressure', 'medium'),
  r('seed-unit-2', 'level', 'low'),
  r('seed-unit-2', 'vibration', 'low'),
  r('seed-unit-3', 'level', 'low'),
  r('seed-unit-3', 'flow', 'low'),
  r('seed-unit-3', 'pressure', 'low'),
];
/** Background picks: low-priority rules far more often (a realistic, not an ideal, mix). */
const WEIGHTS = [1, 3, 6, 6, 1, 3, 6, 4, 0, 6, 6];

/** mulberry32: a small, well-known seeded generator (the same day for the same seed, everywhere). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The episodes of the day starting at `dayStart` (UTC midnight, epoch ms). */
export function alarmDay(dayStart: number, seed = 17): Episode[] {
  const rnd = random(seed);
  const min = 60_000;
  const pick = () => {
    let x = rnd() * WEIGHTS.reduce((s, w) => s + w, 0);
    for (let i = 0; i < RULES.length; i++) if ((x -= WEIGHTS[i]!) < 0) return RULES[i]!;
    return RULES[0]!;
  };
  const episodes: Episode[] = [];
  /** Per rule, when its last episode is over (returned and acknowledged). */
  const freeAt = new Map<HistoryRule, number>();
  const add = (rule: HistoryRule, raiseAt: number, returnAfter: number, ackAfter: number | null) => {
    const start = Math.max(raiseAt, (freeAt.get(rule) ?? 0) + 1_000);
    const returnAt = start + returnAfter;
    const ackAt = ackAfter === null ? null : start + ackAfter;
    episodes.push({ rule, raiseAt: start, returnAt, ackAt });
    freeAt.set(rule, Math.max(returnAt, ackAt ?? 0));
  };
  // The stale one: raised 18:00 the evening before, acknowledged, back at 02:00 the next day.
  const stale = RULES[8]!;
  episodes.push({
    rule: stale,
    raiseAt: dayStart - 6 * 60 * min,
    ackAt: dayStart - 6 * 60 * min + 4 * min,
    returnAt: dayStart + 26 * 60 * min,
  });
  freeAt.set(stale, dayStart + 26 * 60 * min);
  // Hour by hour (the episodes of a rule must follow one another): background 3 to 7 alarms an
  // hour, acknowledged within 10 min (80 %) or 1 to 3 h late; 09:00 the chattering, 13:00 quiet,
  // 14:00 the flood.
  for (let h = 0; h < 23; h++) {
    if (h === 9) {
      // The vibration alarm 4 times in 45 s, back after 5 s each, acknowledged after the last.
      for (let i = 0; i < 4; i++)
        add(RULES[7]!, dayStart + (9 * 60 + 30) * min + i * 15_000, 5_000, i === 3 ? 60_000 : null);
    } else if (h === 14) {
      // 16 alarms in the ten minutes from 14:00, over every rule.
      for (let i = 0; i < 16; i++)
        add(RULES[i % RULES.length]!, dayStart + 14 * 60 * min + i * 35_000, 20_000, 30_000 + i * 15_000);
    } else if (h !== 13) {
      const n = 3 + Math.floor(rnd() * 5);
      for (let i = 0; i < n; i++) {
        const raiseAt = dayStart + h * 60 * min + Math.floor(rnd() * 40 * min);
        const returnAfter = (1 + Math.floor(rnd() * 15)) * min;
        const ackAfter = rnd() < 0.8 ? (10 + Math.floor(rnd() * 600)) * 1_000 : (60 + Math.floor(rnd() * 120)) * min;
        add(pick(), raiseAt, returnAfter, ackAfter);
      }
    }
  }
  // Standing at midnight: raised 23:40, acknowledged 00:10, back 00:20.
  add(RULES[0]!, dayStart + (23 * 60 + 40) * min, 40 * min, 30 * min);
  return episodes;
}

/** Writes the day; returns how many alarms (annunciations) it holds. */
export function seedAlarmDay(repo: AlertsRepo, dayStart: number, seed = 17): Promise<number> {
  return writeAlarmHistory(repo, alarmDay(dayStart, seed), 'seed-operator');
}
