import pino from 'pino';
import { serializeError } from './log-errors';

/**
 * The process logger (structured JSON lines). One instance per process; modules take a child
 * with their name: `logger.child({ module: 'db' })`.
 */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
  base: { app: 'twinops' },
  // Query text and bound values never reach the log (lib/log-errors.ts).
  serializers: { err: serializeError },
  redact: ['req.headers.cookie', 'req.headers.authorization', '*.password', '*.passwordHash'],
});

export type Logger = pino.Logger;
