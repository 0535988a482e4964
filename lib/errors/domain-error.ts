/**
 * The one error type of the domain: every refusal a client may see (not found, conflict, bad
 * input, throttled, unavailable) carries its HTTP status, a stable code, a message and the
 * fields it is about. The API's one `errorResponse` (lib/api/route.ts) reads it by shape
 * (`readDomainError`), never by class or name: Next bundles route handlers apart from the
 * server that built the services, so an error thrown there is an instance of another copy of
 * this class.
 */

/** One bad field: `{ field: 'username', message: 'username is already taken' }`. */
export interface FieldError {
  field: string;
  message: string;
}

export interface DomainErrorInit {
  status: number;
  code: string;
  /** What the log and the CLI show. */
  message: string;
  /** What an API client is told, when it differs from `message` (e.g. without a name). */
  publicMessage?: string;
  fields?: FieldError[];
  /** Extra response headers, e.g. `Retry-After`. */
  headers?: Record<string, string>;
}

export class DomainError extends Error {
  readonly status: number;
  readonly code: string;
  readonly publicMessage?: string;
  readonly fields?: FieldError[];
  readonly headers?: Record<string, string>;

  constructor(init: DomainErrorInit) {
    super(init.message);
    this.name = 'DomainError';
    this.status = init.status;
    this.code = init.code;
    if (init.publicMessage !== undefined) this.publicMessage = init.publicMessage;
    if (init.fields) this.fields = init.fields;
    if (init.headers) this.headers = init.headers;
  }
}

/** What an API answer is built from. */
export interface DomainErrorShape {
  status: number;
  code: string;
  message: string;
  fields?: FieldError[];
  headers?: Record<string, string>;
}

/**
 * The error as an API refusal when it has the domain error's shape (a 4xx/5xx status, a code
 * and a message), whichever copy of the class threw it; null for anything else (a bug: 500).
 */
export function readDomainError(err: unknown): DomainErrorShape | null {
  if (typeof err !== 'object' || err === null) return null;
  const e = err as Partial<Record<keyof DomainError, unknown>>;
  if (typeof e.status !== 'number' || !Number.isInteger(e.status) || e.status < 400 || e.status > 599) return null;
  if (typeof e.code !== 'string' || typeof e.message !== 'string') return null;
  const fields = Array.isArray(e.fields) ? (e.fields as FieldError[]) : undefined;
  const headers =
    typeof e.headers === 'object' && e.headers !== null ? (e.headers as Record<string, string>) : undefined;
  const message = typeof e.publicMessage === 'string' ? e.publicMessage : e.message;
  return { status: e.status, code: e.code, message, fields, headers };
}
