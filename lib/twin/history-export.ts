/**
 * CSV export of an asset's stored readings and predictions (`GET /api/v1/assets/:id/export.csv`).
 * Rows come from the database a page at a time (keyset by (ts, id)) and are encoded only when
 * the response's reader asks for more (`pull`), so a slow client holds the export back instead
 * of the server buffering it: memory stays flat for a million rows.
 */
import type { ExportRow, TelemetryHistoryRepo } from '../db/telemetry-history-repo';
import type { StreamCatalog } from './types';

export const EXPORT_CHUNK_ROWS = 1_000;

/** RFC 4180 quoting, only where needed. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const withUnit = (name: string, unit: string) => (unit ? `${name} (${unit})` : name);

/** The header: columns named with their units, from the catalog (the model package). */
export function csvHeader(catalog: Pick<StreamCatalog, 'signals' | 'target'>): string[] {
  const u = catalog.target.unit;
  return [
    'ts (UTC)',
    ...catalog.signals.map((s) => withUnit(s.name, s.unit)),
    withUnit('prediction', u),
    withUnit('lower', u),
    withUnit('upper', u),
    withUnit('actual', u),
    'model_version',
    'flags',
  ];
}

const num = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));

export function csvRow(row: ExportRow, features: string[]): string {
  return [
    new Date(row.ts).toISOString(),
    ...features.map((f) => num(row.values[f])),
    num(row.prediction),
    num(row.lower),
    num(row.upper),
    num(row.actual),
    csvField(row.modelVersion ?? ''),
    csvField(row.flags.join('|')),
  ].join(',');
}

/** The export as a byte stream: the header, then one page of rows per pull. */
export function csvExportStream(
  repo: TelemetryHistoryRepo,
  assetId: string,
  from: number,
  to: number,
  catalog: Pick<StreamCatalog, 'signals' | 'target'>,
  chunk = EXPORT_CHUNK_ROWS,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const features = catalog.signals.map((s) => s.name);
  const pages = repo.exportRows(assetId, from, to, chunk);
  let headerSent = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!headerSent) {
          headerSent = true;
          controller.enqueue(encoder.encode(`${csvHeader(catalog).map(csvField).join(',')}\r\n`));
          return;
        }
        const next = await pages.next();
        if (next.done) {
          controller.close();
          return;
        }
        let text = '';
        for (const row of next.value) text += `${csvRow(row, features)}\r\n`;
        controller.enqueue(encoder.encode(text));
      },
      async cancel() {
        await pages.return(undefined);
      },
    },
    // One page in the queue at most: the next query waits until the client has taken this one.
    { highWaterMark: 1 },
  );
}

/** `reactor-1_2026-11-22T10-00-00Z_2026-11-22T11-00-00Z.csv` */
export function exportFileName(assetId: string, from: number, to: number): string {
  const stamp = (ms: number) =>
    new Date(ms)
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z')
      .replace(/:/g, '-');
  return `${assetId.replace(/[^\w.-]/g, '_')}_${stamp(from)}_${stamp(to)}.csv`;
}
