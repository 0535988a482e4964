import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeError } from './log-errors';

let pg: PGlite;
beforeAll(async () => {
  pg = new PGlite();
  await pg.waitReady;
}, 60_000);
afterAll(() => pg?.close());

/** What a logger configured like lib/log.ts writes for `logger.error({ err }, ...)`. */
function logged(err: unknown): string {
  const lines: string[] = [];
  const log = pino({ serializers: { err: serializeError } }, { write: (line: string) => lines.push(line) });
  log.child({ module: 'api' }).error({ err }, 'unhandled API error');
  return lines.join('');
}

describe('error logging', () => {
  it('writes a failed statement without its SQL or bound values, keeping the database’s reason', async () => {
    let failure: unknown;
    try {
      await drizzle(pg).execute(
        sql`select to_timestamp(${999_999_999_999_999}::float8) as t, ${'asset-secret-7'}::text as asset`,
      );
    } catch (err) {
      failure = err;
    }
    expect(failure).toBeInstanceOf(Error);
    const line = logged(failure);
    expect(line).not.toMatch(/select|to_timestamp|asset-secret-7|\$1/i);
    const entry = JSON.parse(line) as { err: { message: string; stack: string; cause?: { code?: string } } };
    expect(entry.err.message).toContain('Database query failed');
    expect(entry.err.message).toContain('timestamp out of range');
    expect(entry.err.stack).toMatch(/\n\s+at /);
  });

  it('leaves other errors as pino writes them', () => {
    const line = logged(new Error('model file missing'));
    expect(JSON.parse(line).err).toMatchObject({ type: 'Error', message: 'model file missing' });
  });
});
