/**
 * The server side of `npm run bench:history`'s CSV export: the real console wiring (no Next
 * build needed) on a copy of a seeded embedded database, and a plain HTTP listener that hands
 * `GET /api/v1/assets/:id/export.csv` to the real route handler and pipes its stream to the
 * socket (with backpressure). Prints `READY {port, cookie, pid}` (a session of a viewer `bench`).
 */
import { cpSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { NextRequest } from 'next/server';
import { GET as exportCsv } from '../app/api/v1/assets/[id]/export.csv/route';
import { CLIENT_ADDRESS_HEADER } from '../lib/auth/client-address';
import { exitOnError, runThrowawayConsole } from '../tests/throwaway-console';
import { benchSessionCookie } from './bench-session';

const seeded = process.env.BENCH_SEEDED_PGLITE;
if (!seeded) throw new Error('BENCH_SEEDED_PGLITE (a seeded PGlite directory) is required');

runThrowawayConsole({
  name: 'twinops-bench-history',
  web: false,
  quiet: true,
  env: {
    PORT: '0',
    HOSTNAME: '127.0.0.1',
    SIMULATOR: 'off',
    DATABASE_URL: '',
    ADMIN_PASSWORD: 'bench-admin-pass',
    LOG_LEVEL: 'error',
    RETENTION_DAYS: '36500',
  },
  prepare: async (dataDir) => cpSync(seeded, path.join(dataDir, 'pglite'), { recursive: true }),
})
  .then(async (handle) => {
    const http = createServer((req, res) => {
      const m = /^\/api\/v1\/assets\/([^/]+)\/export\.csv/.exec(req.url ?? '');
      if (!m) return void res.writeHead(404).end();
      const headers = new Headers({ [CLIENT_ADDRESS_HEADER]: '127.0.0.1' });
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
      void exportCsv(new NextRequest(`http://127.0.0.1${req.url}`, { headers }), {
        params: Promise.resolve({ id: decodeURIComponent(m[1]!) }),
      }).then((r) => {
        res.writeHead(r.status, Object.fromEntries(r.headers.entries()));
        if (r.body) Readable.fromWeb(r.body as NodeReadableStream<Uint8Array>).pipe(res);
        else res.end();
      });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    process.on('SIGTERM', () => http.close());
    process.stdout.write(
      `READY ${JSON.stringify({ port: (http.address() as AddressInfo).port, cookie: await benchSessionCookie(handle), pid: process.pid })}\n`,
    );
  })
  .catch(exitOnError);
