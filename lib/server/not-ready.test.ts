import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoute } from '../api/route';
import { getServicesOrNull } from '../services';
import { notReady } from './not-ready';

describe('a request before the console is ready', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer(notReady);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('gets 503 starting from the health probes', async () => {
    for (const path of ['/api/health', '/health', '/api/health?x=1']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(await res.json()).toMatchObject({ status: 'starting' });
    }
  });

  it('gets a 503 JSON error anywhere else, pages included', async () => {
    for (const path of ['/api/v1/assets', '/', '/alerts']) {
      const res = await fetch(`${base}${path}`, { method: path === '/' ? 'GET' : 'POST' });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(await res.json()).toEqual({
        error: { code: 'starting', message: 'The console is starting or stopping; retry in a moment' },
      });
    }
  });

  it('gets a 503 JSON error from a route handler when no services are published', async () => {
    expect(getServicesOrNull()).toBeNull();
    const route = apiRoute({ role: 'viewer' }, async () => Response.json({ ok: true }));
    const res = await route(new NextRequest('http://localhost/api/v1/assets'));
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: 'starting' } });
  });
});
