import http, { type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POOLED_MIN_LENGTH, ReplyBuffers } from './reply-buffers';

/** A large JSON answer that names `id` throughout and has multi-byte characters (°, µ, emoji). */
function bigAnswer(id: number): string {
  const items = Array.from({ length: 1200 }, (_, i) => ({ id, i, unit: '°C', note: `µ-${id}-🙂`, value: i / 7 }));
  return JSON.stringify({ id, items });
}

/** A large answer without long arrays (one long string). */
function longText(id: number) {
  return { id, text: `${id}°`.repeat(POOLED_MIN_LENGTH) };
}

describe('ReplyBuffers', () => {
  const buffers = new ReplyBuffers(4);
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const id = Number(new URL(req.url!, 'http://x').searchParams.get('id'));
      const small = req.url!.startsWith('/small');
      const body = small
        ? { id, unit: '°C' }
        : req.url!.startsWith('/long-text')
          ? longText(id)
          : JSON.parse(bigAnswer(id));
      buffers.send(res, small ? 201 : 200, { 'content-type': 'application/json', 'x-id': String(id) }, body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends large answers whole, with the UTF-8 byte length, and each client gets its own', async () => {
    expect(bigAnswer(1).length).toBeGreaterThan(POOLED_MIN_LENGTH);
    // More concurrent answers than the pool keeps, in several rounds, so buffers are reused
    // while other answers are still in flight.
    for (let round = 0; round < 3; round++) {
      const ids = Array.from({ length: 12 }, (_, i) => round * 100 + i);
      const responses = await Promise.all(ids.map((id) => fetch(`${base}/big?id=${id}`)));
      for (const [k, res] of responses.entries()) {
        const text = await res.text();
        expect(res.status).toBe(200);
        expect(res.headers.get('x-id')).toBe(String(ids[k]));
        expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(text));
        expect(text).toBe(bigAnswer(ids[k]!));
      }
    }
    expect(buffers.pooled).toBeGreaterThan(0);
    expect(buffers.pooled).toBeLessThanOrEqual(4);
  });

  it('sends a long answer without long arrays whole', async () => {
    const res = await fetch(`${base}/long-text?id=5`);
    const text = await res.text();
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(text));
    expect(JSON.parse(text)).toEqual(longText(5));
  });

  it('sends small answers as they are, with status and headers', async () => {
    const res = await fetch(`${base}/small?id=7`);
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ id: 7, unit: '°C' });
  });

  it('never reuses a buffer the socket may still be sending', () => {
    // A response whose bytes are not sent until it is told to: what a slow client looks like.
    const pending: { chunk: Buffer; finish: () => void }[] = [];
    const slowResponse = () =>
      ({
        writeHead: () => undefined,
        end: (chunk: Buffer, finish: () => void) => pending.push({ chunk, finish }),
      }) as unknown as ServerResponse;
    const pool = new ReplyBuffers(2);
    for (let id = 0; id < 3; id++) pool.send(slowResponse(), 200, {}, JSON.parse(bigAnswer(id)));
    expect(pending.map((p) => JSON.parse(p.chunk.toString()).id)).toEqual([0, 1, 2]);
    for (const p of pending.splice(0)) p.finish();
    expect(pool.pooled).toBe(2);
    // Reused now that they are sent: answers still come out whole and right.
    for (let id = 3; id < 6; id++) pool.send(slowResponse(), 200, {}, JSON.parse(bigAnswer(id)));
    expect(pending.map((p) => p.chunk.toString())).toEqual([3, 4, 5].map(bigAnswer));
  });
});
