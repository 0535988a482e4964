/**
 * npm run alarms:seed-day [-- --day YYYY-MM-DD] [--seed N]
 *
 * Writes a day of alarms (lib/alerts/seed-day.ts; default: yesterday, UTC) into the console's
 * database (DATABASE_URL, else the embedded one: stop the console first, PGlite opens in one
 * process at a time) and prints that day's KPI figures, computed by the same SQL as the page, with
 * the page's address. A day already seeded is not written twice.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadEnvConfig } from '@next/env';
import { loadConfig } from '../lib/config/env';
import { alarmKpisRepo } from '../lib/db/alarm-kpis-repo';
import { alertsRepo } from '../lib/db/alerts-repo';
import { openDatabase } from '../lib/db/client';
import { acquireDataDirLock } from '../lib/db/lock';
import { alarmKpis } from '../lib/alerts/kpis';
import { SEED_ASSETS, seedAlarmDay } from '../lib/alerts/seed-day';

const DAY = 86_400_000;

async function main() {
  const { values } = parseArgs({ options: { day: { type: 'string' }, seed: { type: 'string' } } });
  const today = Math.floor(Date.now() / DAY) * DAY;
  const from = values.day ? Date.parse(`${values.day}T00:00:00Z`) : today - DAY;
  if (!Number.isFinite(from)) throw new Error(`--day must be YYYY-MM-DD, not ${values.day}`);
  const seed = values.seed ? Number(values.seed) : 17;
  loadEnvConfig(process.cwd(), false, { info: () => {}, error: console.error });
  const config = loadConfig();
  const release = config.DATABASE_URL ? () => {} : acquireDataDirLock(config.dataDir, 'alarms:seed-day');
  const database = await openDatabase({
    url: config.DATABASE_URL,
    pgliteDir: path.join(config.dataDir, 'pglite'),
    pgliteSharedBuffers: config.PGLITE_SHARED_BUFFERS,
  });
  try {
    const repo = alertsRepo(database.db);
    const already = await repo.journal({ assetId: SEED_ASSETS[0], from, to: from + DAY - 1, limit: 1 });
    if (already.length)
      console.log(`${new Date(from).toISOString().slice(0, 10)} is already seeded; not written again.`);
    else console.log(`seeded ${await seedAlarmDay(repo, from, seed)} alarms on ${SEED_ASSETS.join(', ')}`);
    const k = await alarmKpis(alarmKpisRepo(database.db), { from, to: from + DAY });
    const f = (x: number | null, d = 1) => (x === null ? '-' : x.toFixed(d));
    console.log(`\nAlarm KPIs ${new Date(from).toISOString()} - ${new Date(from + DAY).toISOString()} (every asset)`);
    console.log(`alarms                 ${k.total}`);
    console.log(
      `per 10 min / h / day   ${f(k.rates.per10Min.value, 2)} (${k.rates.per10Min.band}) / ${f(k.rates.perHour.value, 2)} (${k.rates.perHour.band}) / ${f(k.rates.perDay.value, 0)} (${k.rates.perDay.band})`,
    );
    console.log(
      `flood periods          ${k.flood.floodPeriods} of ${k.flood.periods} (${f(k.flood.share * 100, 2)} % of the time), peak ${k.flood.peak} in 10 min`,
    );
    console.log(`bad actors (top 10)    ${k.badActors.map((b) => `${b.assetId}/${b.signal} ${b.count}`).join(', ')}`);
    console.log(
      `chattering             ${k.chattering.map((c) => `${c.assetId}/${c.signal} (${c.maxPerMinute} in a minute)`).join(', ') || 'none'}`,
    );
    console.log(`stale (> 24 h)         ${k.stale.count}`);
    console.log(
      `standing at the end    ${k.standing.count}${k.standing.oldestSince === null ? '' : `, oldest since ${new Date(k.standing.oldestSince).toISOString()}`}`,
    );
    console.log(
      `priorities low/med/high ${k.priorities.map((p) => `${p.count} (${f(p.share * 100)} %)`).join(' / ')} vs 80 / 15 / 5 %`,
    );
    console.log(
      `time to acknowledge    p50 ${f(k.timeToAck.p50Seconds)} s, p90 ${f(k.timeToAck.p90Seconds)} s (${k.timeToAck.acknowledged} acknowledged, ${k.timeToAck.unacknowledged} not by the end)`,
    );
    console.log(`\npage: /alerts/kpis?from=${new Date(from).toISOString()}&to=${new Date(from + DAY).toISOString()}`);
  } finally {
    await database.close();
    release();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
