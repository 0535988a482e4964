/**
 * The request and answer types of the machine fast path (lib/server/machine-api.ts).
 *
 * Next hands route handlers a fetch `Request` and wants a `Response` back. Building those (undici
 * Headers, an AbortSignal, body streams) and reading the Response back into bytes was ~20 % of a
 * prediction request's CPU time under load (server CPU profile at 64 connections). Routes that opt
 * in with `apiRoute({ machine: true })` see a `LightRequest` instead (method, url, header lookup,
 * a body already read) and answer with a `JsonReply`, which the fast path writes straight to the
 * socket and the Next path turns into `Response.json` — the same bytes either way.
 */
import type { IncomingHttpHeaders } from 'node:http';

export interface HeaderReader {
  get(name: string): string | null;
}

/** What a `machine: true` route may read from its request. A fetch Request also satisfies it. */
export interface LightRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: HeaderReader;
}

/** Node's parsed headers behind the fetch `Headers.get` contract (names are lower case there). */
class RawHeaders implements HeaderReader {
  constructor(private readonly raw: IncomingHttpHeaders) {}

  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }
}

/** A request the fast path has read whole (at most the body cap + 1 byte, see machine-api.ts). */
export class MachineRequest implements LightRequest {
  readonly headers: HeaderReader;

  constructor(
    readonly method: string,
    /** Absolute URL, as a fetch Request has it. */
    readonly url: string,
    /** The URL's path without the query (what the route's metrics label is made from). */
    readonly pathname: string,
    headers: IncomingHttpHeaders,
    /** The body as read from the socket; null for GET/HEAD. */
    readonly bodyBytes: Buffer | null,
  ) {
    this.headers = new RawHeaders(headers);
  }
}

/** A JSON answer not yet turned into a Response. */
export class JsonReply {
  constructor(
    readonly body: unknown,
    readonly status: number = 200,
    readonly headers?: Record<string, string>,
  ) {}

  toResponse(): Response {
    return Response.json(this.body, { status: this.status, headers: this.headers });
  }
}

/** `reply(body)`: the JSON answer of a `machine: true` route (200 unless given). */
export function reply(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): JsonReply {
  return new JsonReply(body, init.status ?? 200, init.headers);
}
