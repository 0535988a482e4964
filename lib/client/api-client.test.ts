import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  apiCall,
  ApiRequestError,
  errorMessage,
  isAbortError,
  NETWORK_MESSAGE,
  requestJson,
  SESSION_ENDED_MESSAGE,
} from './api-client';

afterEach(() => vi.unstubAllGlobals());

/** Stubs fetch with one answer; returns the mock to read what was sent. */
function answer(
  status: number,
  body: unknown,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) {
  const fetchMock = vi.fn(
    async (_url: string, _init?: RequestInit) =>
      new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers }),
  );
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

const sent = (m: ReturnType<typeof answer>) => {
  const [url, init] = m.mock.calls[0]!;
  return { url, init: init!, headers: new Headers(init!.headers) };
};

const fieldsBody = {
  error: {
    code: 'validation_failed',
    message: 'The input is invalid',
    fields: [
      { field: 'username', message: 'taken' },
      { field: 'days', message: 'at least 1' },
      { field: 'username', message: 'too short' },
    ],
  },
};

describe('requestJson', () => {
  it('answers the parsed JSON of a success; a GET asks for JSON, same-origin, never from the cache', async () => {
    const m = answer(200, { users: [{ id: 'u1' }] });
    await expect(requestJson('/api/v1/admin/users')).resolves.toEqual({ users: [{ id: 'u1' }] });
    const { url, init, headers } = sent(m);
    expect(url).toBe('/api/v1/admin/users');
    expect(init).toMatchObject({ method: 'GET', credentials: 'same-origin', cache: 'no-store' });
    expect(headers.get('accept')).toBe('application/json');
    expect(init.body).toBeUndefined();
  });

  it('sends `json` as a JSON body, by POST unless told otherwise, and leaves the cache alone for writes', async () => {
    const m = answer(200, { rule: { id: 3 } });
    await requestJson('/api/v1/alert-rules/3', { method: 'PUT', json: { low: null, high: 5 } });
    const { init, headers } = sent(m);
    expect(init.method).toBe('PUT');
    expect(init.cache).toBeUndefined();
    expect(headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(String(init.body))).toEqual({ low: null, high: 5 });

    const post = answer(201, {});
    await requestJson('/api/v1/alerts/1/ack', { json: {} });
    expect(sent(post).init.method).toBe('POST');
  });

  it('passes a FormData body as is (the browser sets its multipart content-type)', async () => {
    const m = answer(201, { name: 'm', version: '2' });
    const form = new FormData();
    form.append('twin', 'x');
    await requestJson('/api/v1/models', { body: form });
    const { init, headers } = sent(m);
    expect(init.method).toBe('POST');
    expect(init.body).toBe(form);
    expect(headers.has('content-type')).toBe(false);
  });

  it('answers null for a success without a body', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(null, { status: 204 })),
    );
    await expect(requestJson('/api/v1/admin/api-keys/abc', { method: 'DELETE' })).resolves.toBeNull();
  });

  it('throws the API error with its status, code, message and field errors', async () => {
    answer(409, fieldsBody);
    const err = await requestJson('/api/v1/admin/users', { json: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiRequestError);
    expect(err).toMatchObject({
      status: 409,
      code: 'validation_failed',
      message: 'The input is invalid',
      fields: fieldsBody.error.fields,
    });
    expect((err as ApiRequestError).fieldMessages).toEqual({ username: 'taken', days: 'at least 1' });
  });

  it('judges a non-JSON error body by its status', async () => {
    answer(502, '<html>bad gateway</html>', { 'content-type': 'text/html' });
    await expect(requestJson('/api/v1/alerts')).rejects.toMatchObject({
      status: 502,
      code: 'http_error',
      message: 'The server answered 502',
      fields: [],
    });
    // JSON, but not the API's error shape.
    answer(500, { oops: true });
    await expect(requestJson('/api/v1/alerts')).rejects.toMatchObject({
      status: 500,
      code: 'http_error',
      message: 'The server answered 500',
    });
  });

  it('says the session has ended on a 401, whatever the body says', async () => {
    answer(401, { error: { code: 'unauthorized', message: 'Sign in or send a valid bearer token' } });
    await expect(requestJson('/api/v1/me/preferences', { method: 'PUT', json: {} })).rejects.toMatchObject({
      status: 401,
      code: 'unauthorized',
      message: SESSION_ENDED_MESSAGE,
    });
    answer(401, 'Unauthorized', { 'content-type': 'text/plain' });
    await expect(requestJson('/api/v1/alerts')).rejects.toMatchObject({
      status: 401,
      code: 'http_error',
      message: SESSION_ENDED_MESSAGE,
    });
  });
});

describe('against a real HTTP server', () => {
  let server: Server;
  let base = '';
  const hanging = new Set<() => void>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/slow-body') {
        // Headers now, the body never: an abort must cut the read.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"a":');
        hanging.add(() => res.end('1}'));
        return;
      }
      // Never answers.
      hanging.add(() => res.end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const end of hanging) end();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('turns a network failure into status 0 with the friendly message', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const err = await requestJson(`http://127.0.0.1:${port}/api/v1/alerts`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiRequestError);
    expect(err).toMatchObject({ status: 0, code: 'network', message: NETWORK_MESSAGE });
  });

  it('rethrows the AbortError of a call aborted while waiting for the answer', async () => {
    const ctrl = new AbortController();
    const pending = requestJson(`${base}/never`, { signal: ctrl.signal }).catch((e: unknown) => e);
    setTimeout(() => ctrl.abort(), 50);
    const err = await pending;
    expect(err).not.toBeInstanceOf(ApiRequestError);
    expect(isAbortError(err)).toBe(true);
    expect(errorMessage(err)).toBe('cancelled');
  });

  it('rethrows the AbortError of a call aborted while reading the body', async () => {
    const ctrl = new AbortController();
    const pending = requestJson(`${base}/slow-body`, { signal: ctrl.signal }).catch((e: unknown) => e);
    setTimeout(() => ctrl.abort(), 100);
    expect(isAbortError(await pending)).toBe(true);
  });

  it('apiCall lets an abort through as a throw, not as a refusal to show', async () => {
    const ctrl = new AbortController();
    ctrl.abort();
    const err = await apiCall(`${base}/never`, { signal: ctrl.signal }).catch((e: unknown) => e);
    expect(isAbortError(err)).toBe(true);
  });
});

describe('apiCall', () => {
  it('answers {ok, data} for a success', async () => {
    answer(201, { user: { id: 'u2' } });
    await expect(apiCall('/api/v1/admin/users', { json: { username: 'x' } })).resolves.toEqual({
      ok: true,
      data: { user: { id: 'u2' } },
    });
  });

  it('answers a refusal as data, field errors keyed by field (the first message of each)', async () => {
    answer(400, fieldsBody);
    await expect(apiCall('/api/v1/admin/api-keys', { json: {} })).resolves.toEqual({
      ok: false,
      error: {
        status: 400,
        code: 'validation_failed',
        message: 'The input is invalid',
        fields: { username: 'taken', days: 'at least 1' },
      },
    });
  });

  it('answers a network failure and an ended session with their friendly messages', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('Failed to fetch');
      }),
    );
    await expect(apiCall('/api/v1/me/password', { json: {} })).resolves.toEqual({
      ok: false,
      error: { status: 0, code: 'network', message: NETWORK_MESSAGE, fields: {} },
    });
    answer(401, { error: { code: 'unauthorized', message: 'Sign in' } });
    await expect(apiCall('/api/v1/admin/users')).resolves.toMatchObject({
      ok: false,
      error: { status: 401, message: SESSION_ENDED_MESSAGE },
    });
  });
});

describe('errorMessage', () => {
  it('says the API refusal, or what any other error says', () => {
    expect(errorMessage(new ApiRequestError(404, 'not_found', 'No such alert'))).toBe('No such alert');
    expect(errorMessage(new Error('boom'))).toBe('boom');
    expect(errorMessage('??')).toBe('Something went wrong');
  });
});
