import { describe, expect, it } from 'vitest';
import { JOURNAL_CSV_HEADER, journalCsvRow } from './journal-csv';

describe('alarm journal CSV', () => {
  it('writes one line per entry in the header’s order, quoting a comment with commas, quotes or line breaks', () => {
    const line = journalCsvRow({
      id: 7,
      alarmId: 42,
      ruleId: '00000000-0000-4000-8000-000000000001',
      assetId: 'reactor-1',
      signal: 'temperature',
      priority: 'urgent',
      event: 'acknowledged',
      stateAfter: 'normal',
      who: 'olivia',
      comment: 'checked "TT-101", valve\nclosed',
      at: Date.UTC(2026, 11, 4, 8, 30),
    });
    expect(JOURNAL_CSV_HEADER).toHaveLength(10);
    expect(line).toBe(
      '2026-12-04T08:30:00.000Z,acknowledged,normal,urgent,reactor-1,temperature,42,00000000-0000-4000-8000-000000000001,olivia,"checked ""TT-101"", valve\nclosed"',
    );
  });
});
