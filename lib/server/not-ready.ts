/**
 * The answer to a request that arrives while the console has no services to serve it with
 * (before the composition root has published them, or after shutdown began): 503 with a JSON
 * body, never a crash. The health probes say `starting`, so a load balancer keeps waiting.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

const HEALTH = /^\/(api\/)?health\/?(\?|$)/;

/** Writes the 503 answer. */
export function notReady(req: IncomingMessage, res: ServerResponse): void {
  const body = HEALTH.test(req.url ?? '')
    ? { status: 'starting', reason: 'The console is starting or stopping' }
    : { error: { code: 'starting', message: 'The console is starting or stopping; retry in a moment' } };
  res
    .writeHead(503, { 'content-type': 'application/json', 'cache-control': 'no-store', 'retry-after': '1' })
    .end(JSON.stringify(body));
}
