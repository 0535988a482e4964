/**
 * The alarm journal as CSV (`GET /api/v1/alarms/journal.csv`): pages of 1,000 entries, newest
 * first, read from the database only when the response's reader pulls, so a long shift's journal
 * streams with flat memory. Columns name `state_after` and `priority` as the API does.
 */
import type { AlertsRepo, JournalQuery } from '../db/alerts-repo';
import { csvField } from '../twin/history-export';
import type { JournalEntry } from './types';

export const JOURNAL_CSV_HEADER = [
  'at (UTC)',
  'event',
  'state_after',
  'priority',
  'asset_id',
  'signal',
  'alarm_id',
  'rule_id',
  'who',
  'comment',
];

export function journalCsvRow(e: JournalEntry): string {
  return [
    new Date(e.at).toISOString(),
    e.event,
    e.stateAfter,
    e.priority,
    csvField(e.assetId),
    csvField(e.signal),
    String(e.alarmId),
    e.ruleId,
    csvField(e.who),
    csvField(e.comment ?? ''),
  ].join(',');
}

export function journalCsvStream(
  repo: Pick<AlertsRepo, 'journal'>,
  q: Omit<JournalQuery, 'cursor' | 'limit'>,
  chunk = 1_000,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor: number | undefined;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const page = await repo.journal({ ...q, cursor, limit: chunk });
      const lines = page.map(journalCsvRow);
      if (!started) lines.unshift(JOURNAL_CSV_HEADER.join(','));
      started = true;
      if (lines.length) controller.enqueue(encoder.encode(lines.join('\r\n') + '\r\n'));
      if (page.length < chunk) controller.close();
      else cursor = page.at(-1)!.id;
    },
  });
}
