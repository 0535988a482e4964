import type { IncomingMessage } from 'node:http';
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { CLIENT_ADDRESS_HEADER } from '../auth/client-address';
import { logCompleted } from './machine-api';

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, log: pino({ level }, stream) };
}

const req = {
  method: 'POST',
  url: '/api/v1/twin/predict',
  headers: { [CLIENT_ADDRESS_HEADER]: '10.0.0.7', authorization: 'Bearer tok_secret' },
} as unknown as IncomingMessage;

describe('fast-path access log', () => {
  it('writes the line pino-http writes for Next requests, without credentials', () => {
    const { lines, log } = capture('info');
    logCompleted(log, req, 200, performance.now() - 3);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'request completed',
      req: { method: 'POST', url: '/api/v1/twin/predict', address: '10.0.0.7' },
      res: { status: 200 },
    });
    expect(lines[0]!.responseTime).toEqual(expect.any(Number));
    expect(JSON.stringify(lines[0])).not.toContain('tok_secret');
  });

  it('uses warn for refusals and error for failures, and writes nothing below the level', () => {
    const { lines, log } = capture('warn');
    logCompleted(log, req, 200, performance.now());
    logCompleted(log, req, 401, performance.now());
    logCompleted(log, req, 500, performance.now());
    expect(lines.map((l) => l.level)).toEqual([40, 50]);
  });
});
