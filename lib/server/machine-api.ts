/**
 * The machine-client fast path: bearer-authenticated calls to the hot twin endpoints are handed
 * straight to their route handlers, without going through Next's router, proxy and rendering
 * machinery. Measured on the 2-core machines, Next's request path alone caps a trivial route at
 * ~450 req/s; the issue asks for 2,700 predictions a second.
 *
 * It is the *same* handler (the `machine` entry of the route Next serves, see apiRoute's
 * `machine: true`), so authentication, roles, rate limits, validation, error shape and metrics are
 * identical on both paths. Those routes read a LightRequest and answer with a JsonReply, written
 * here without building fetch Request/Response objects (lib/api/light-http.ts says why). Only
 * requests with an `Authorization` header take it: browser calls (session cookie) keep going
 * through Next, and the proxy lets bearer API calls through unchecked anyway (the handler
 * authenticates them).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { batchRoute, modelRoute, predictRoute } from '../serving/predict-routes';
import { twinStatusRoute } from '../twin/status-route';
import { referenceMetricsRoute, referencePredictRoute } from '../api/reference-routes';
import { telemetryIngestRoute } from '../ingest/http-ingest-route';
import type { Logger } from '../log';
import { CLIENT_ADDRESS_HEADER } from '../auth/client-address';
import { JsonReply, MachineRequest } from '../api/light-http';
import { MAX_BODY_BYTES, type MachineEntry } from '../api/route';
import { ReplyBuffers } from './reply-buffers';

const ROUTES = new Map<string, MachineEntry>([
  ['POST /api/v1/twin/predict', predictRoute.machine],
  ['POST /api/v1/twin/batch', batchRoute.machine],
  ['GET /api/v1/twin/status', twinStatusRoute.machine],
  ['GET /api/v1/model', modelRoute.machine],
  // The reference microservice's paths (its clients are machines too).
  ['POST /predict', referencePredictRoute.machine],
  ['GET /metrics', referenceMetricsRoute.machine],
]);

/**
 * Routes with a dynamic segment, matched by pattern (the segment is handed to the handler as its
 * Next param). Ingest is here because plant gateways post readings as fast as the database commits
 * them: Next's request path would cap it far below the commit rate (npm run bench:ingest).
 */
const PARAM_ROUTES: { method: string; pattern: RegExp; param: string; handler: MachineEntry }[] = [
  {
    method: 'POST',
    pattern: /^\/api\/v1\/assets\/([^/]+)\/telemetry$/,
    param: 'id',
    handler: telemetryIngestRoute.machine,
  },
];

function route(method: string, pathname: string): { handler: MachineEntry; params?: Record<string, string> } | null {
  const exact = ROUTES.get(`${method} ${pathname}`);
  if (exact) return { handler: exact };
  for (const r of PARAM_ROUTES) {
    if (r.method !== method) continue;
    const m = r.pattern.exec(pathname);
    if (!m) continue;
    let value: string;
    try {
      value = decodeURIComponent(m[1]!);
    } catch {
      return null; // a broken escape: Next answers it (404)
    }
    return { handler: r.handler, params: { [r.param]: value } };
  }
  return null;
}

/**
 * Returns a request listener step: true when it took the request (and will answer it), false to
 * let Next handle it.
 */
export function machineApi(baseUrl: string, logger: Logger): (req: IncomingMessage, res: ServerResponse) => boolean {
  const log = logger.child({ module: 'machine-api' });
  const httpLog = logger.child({ module: 'http' });
  const replies = new ReplyBuffers();
  return (req, res) => {
    if (req.headers.authorization === undefined || !req.url || !req.method) return false;
    const q = req.url.indexOf('?');
    const pathname = q < 0 ? req.url : req.url.slice(0, q);
    const found = route(req.method, pathname);
    if (!found) return false;
    const started = performance.now();
    serve(found.handler, found.params, baseUrl, pathname, req, res, replies).then(
      () => logCompleted(httpLog, req, res.statusCode, started),
      (err: unknown) => {
        log.error({ err }, 'machine API request failed');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'internal', message: 'Internal error; it has been logged' } }));
        logCompleted(httpLog, req, 500, started);
      },
    );
    return true;
  };
}

/** The access log's level for a request: pino-http's (start-console.ts) and the fast path's. */
export function accessLogLevel(status: number, failed = false): 'error' | 'warn' | 'info' {
  return failed || status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
}

/**
 * The access-log line pino-http writes for the requests Next serves (same fields and levels),
 * written here because pino-http's per-request child logger was ~3 % of a prediction's CPU time.
 */
export function logCompleted(log: Logger, req: IncomingMessage, status: number, started: number): void {
  const level = accessLogLevel(status);
  if (!log.isLevelEnabled(level)) return;
  const address = req.headers[CLIENT_ADDRESS_HEADER];
  log[level](
    {
      req: { method: req.method, url: req.url, address },
      res: { status },
      responseTime: Math.round(performance.now() - started),
    },
    'request completed',
  );
}

async function serve(
  handler: MachineEntry,
  params: Record<string, string> | undefined,
  baseUrl: string,
  pathname: string,
  req: IncomingMessage,
  res: ServerResponse,
  replies: ReplyBuffers,
): Promise<void> {
  const method = req.method!;
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const body = hasBody ? await readCapped(req, MAX_BODY_BYTES + 1) : null;
  const answer = await handler(new MachineRequest(method, baseUrl + req.url, pathname, req.headers, body), params);
  // Over-long bodies were not read to their end: close rather than read megabytes to discard them.
  if (body && body.byteLength > MAX_BODY_BYTES) res.setHeader('connection', 'close');
  if (answer instanceof JsonReply) {
    replies.send(res, answer.status, { ...answer.headers, 'content-type': 'application/json' }, answer.body);
    return;
  }
  // Refusals and errors are built as Responses (lib/api/errors.ts): rare, so read back as bytes.
  const payload = Buffer.from(await answer.arrayBuffer());
  res.statusCode = answer.status;
  answer.headers.forEach((value, name) => res.setHeader(name, value));
  res.setHeader('content-length', payload.byteLength);
  res.end(payload);
}

/**
 * The request body, but never more than `cap` bytes: the handler's own reader then sees a body
 * over its limit and answers 413, without this process buffering an arbitrarily large upload.
 */
function readCapped(req: IncomingMessage, cap: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      req.off('data', onData);
      req.off('end', done);
      req.off('error', reject);
      resolve(Buffer.concat(chunks, Math.min(size, cap)));
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.byteLength;
      if (size >= cap) {
        req.pause();
        done();
      }
    };
    req.on('data', onData);
    req.on('end', done);
    req.on('error', reject);
  });
}
