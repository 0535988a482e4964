/**
 * Errors as the log writes them, without query text or bound values. Drizzle wraps every
 * failed statement in an error whose message is `Failed query: <SQL>\nparams: <values>` and which
 * carries `query` and `params` (PGlite's and pg's errors may carry `query` too): logged as they
 * are, a refused history request put the whole statement with the caller's values in the log.
 * The database's own reason (its message and SQLSTATE code) is kept.
 */
import pino from 'pino';

const DROPPED = new Set(['query', 'params', 'queryOptions', 'internalQuery', 'cause', 'stack', 'message']);

/** `err` and its causes with query text and parameters removed (the same object when it has none). */
export function withoutQueryText(err: unknown, depth = 0): unknown {
  if (!(err instanceof Error) || depth > 8) return err;
  const cause = withoutQueryText(err.cause, depth + 1);
  const carriesQuery =
    ['query', 'params', 'queryOptions', 'internalQuery'].some((k) => k in err) ||
    err.message.startsWith('Failed query:');
  if (!carriesQuery && cause === err.cause) return err;
  const message = err.message.startsWith('Failed query:') ? 'Database query failed' : err.message;
  const copy = new Error(message, cause === undefined ? undefined : { cause });
  copy.name = err.name;
  for (const [key, value] of Object.entries(err))
    if (!DROPPED.has(key)) (copy as unknown as Record<string, unknown>)[key] = value;
  const frames = (err.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  copy.stack = [`${copy.name}: ${message}`, ...frames].join('\n');
  return copy;
}

/** pino's `err` serializer, fed errors without query text. */
export function serializeError(err: unknown): unknown {
  return pino.stdSerializers.err(withoutQueryText(err) as Error);
}
