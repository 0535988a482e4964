/**
 * The browser's one way to call the console's JSON API (same-origin: the session cookie
 * authenticates). Every refusal, whatever its cause, becomes one ApiRequestError with the API's
 * `{error: {code, message, fields}}`; a network failure and an ended session get messages a
 * person can act on. Aborted requests are not refusals: their AbortError passes through as is,
 * so callers can stay silent about them (`isAbortError`).
 */
import type { ErrorBody, FieldError } from '../api/errors';

export type { FieldError };

export const NETWORK_MESSAGE = 'The console did not answer. Check your connection and try again.';
export const SESSION_ENDED_MESSAGE = 'Your session has ended; log in again.';

export class ApiRequestError extends Error {
  constructor(
    /** HTTP status; 0 when no answer came (network failure). */
    readonly status: number,
    /** The API's error code; `network` or `http_error` when the answer had no error body. */
    readonly code: string,
    message: string,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }

  /** Field name -> its first message, for forms that show each next to its input. */
  get fieldMessages(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const f of this.fields) out[f.field] ??= f.message;
    return out;
  }
}

export interface ApiRequestInit extends Omit<RequestInit, 'body'> {
  /** Sent as JSON (with its content-type); the method defaults to POST. */
  json?: unknown;
  /** A raw body (e.g. FormData); the method defaults to POST. */
  body?: BodyInit | null;
}

/** The error of an aborted call (a DOMException in browsers, which need not be an Error). */
export function isAbortError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'AbortError';
}

function isErrorBody(body: unknown): body is ErrorBody {
  const e = (body as Partial<ErrorBody> | null)?.error;
  return typeof e === 'object' && e !== null && typeof e.code === 'string' && typeof e.message === 'string';
}

function toFetchInit({ json, body, headers, ...rest }: ApiRequestInit): RequestInit {
  const hasBody = json !== undefined || (body !== undefined && body !== null);
  const method = (rest.method ?? (hasBody ? 'POST' : 'GET')).toUpperCase();
  const h = new Headers(headers);
  if (!h.has('accept')) h.set('accept', 'application/json');
  if (json !== undefined) h.set('content-type', 'application/json');
  return {
    credentials: 'same-origin',
    // A GET must show the state of now, never a cached answer.
    ...(method === 'GET' ? { cache: 'no-store' as const } : {}),
    ...rest,
    method,
    headers: h,
    body: json !== undefined ? JSON.stringify(json) : body,
  };
}

/**
 * One call: the parsed JSON answer (null when a success has no JSON body), or an ApiRequestError.
 * Rethrows the AbortError of an aborted call.
 */
export async function requestJson<T>(url: string, init: ApiRequestInit = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, toFetchInit(init));
  } catch (err) {
    if (isAbortError(err) || init.signal?.aborted) throw err;
    throw new ApiRequestError(0, 'network', NETWORK_MESSAGE);
  }
  let json: unknown = null;
  try {
    const text = await res.text();
    json = text ? (JSON.parse(text) as unknown) : null;
  } catch (err) {
    if (isAbortError(err) || init.signal?.aborted) throw err;
    // Not JSON (a proxy's HTML page, a cut connection): judged by its status alone.
  }
  if (res.ok) return json as T;
  const apiError = isErrorBody(json) ? json.error : null;
  const message =
    res.status === 401 ? SESSION_ENDED_MESSAGE : (apiError?.message ?? `The server answered ${res.status}`);
  throw new ApiRequestError(res.status, apiError?.code ?? 'http_error', message, apiError?.fields ?? []);
}

/** A refusal as data, for forms. */
export interface ApiFailure {
  status: number;
  code: string;
  message: string;
  /** Field name -> message, from the API's `error.fields`. */
  fields: Record<string, string>;
}

export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: ApiFailure };

/** `requestJson` with the refusal returned instead of thrown; an aborted call still throws. */
export async function apiCall<T>(url: string, init: ApiRequestInit = {}): Promise<ApiResult<T>> {
  try {
    return { ok: true, data: await requestJson<T>(url, init) };
  } catch (err) {
    if (!(err instanceof ApiRequestError)) throw err;
    return {
      ok: false,
      error: { status: err.status, code: err.code, message: err.message, fields: err.fieldMessages },
    };
  }
}

/** A message for any error a call (or the code around it) can end with. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiRequestError) return err.message;
  if (isAbortError(err)) return 'cancelled';
  return err instanceof Error && err.message ? err.message : 'Something went wrong';
}
