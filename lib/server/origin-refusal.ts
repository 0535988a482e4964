/**
 * The answer to a cookie-authenticated, state-changing request from a foreign origin
 * (lib/auth/origin-policy.ts): 403 in the API's one error shape, logged with the address.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorBody } from '../api/errors';
import type { Logger } from '../log';

export function refuseForeignOrigin(req: IncomingMessage, res: ServerResponse, reason: string, logger: Logger): void {
  logger.warn(
    { module: 'http', method: req.method, url: req.url?.split('?')[0], address: req.socket.remoteAddress, reason },
    'request refused: foreign origin',
  );
  // The body is not read: drop the connection after the answer rather than drain an upload.
  res
    .writeHead(403, { 'content-type': 'application/json', 'cache-control': 'no-store', connection: 'close' })
    .end(JSON.stringify(errorBody('origin_refused', `Refused: ${reason}. Use the console from its own address.`)));
}
