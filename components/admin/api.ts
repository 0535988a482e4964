/**
 * Browser-side calls to the console's JSON API for the admin and account pages. Refusals come back
 * as data (never thrown), with the API's field errors keyed by field so forms can show each
 * message next to its input.
 */
export interface ApiFailure {
  status: number;
  message: string;
  /** Field name -> message, from the API's `error.fields`. */
  fields: Record<string, string>;
}

export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: ApiFailure };

export async function apiCall<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: init.body === undefined ? undefined : { 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      cache: 'no-store',
    });
  } catch {
    return { ok: false, error: { status: 0, message: 'The console did not answer. Check your connection and try again.', fields: {} } };
  }
  const json = (await res.json().catch(() => null)) as unknown;
  if (res.ok) return { ok: true, data: json as T };
  const err = (json as { error?: { message?: string; fields?: { field: string; message: string }[] } } | null)?.error;
  const fields: Record<string, string> = {};
  for (const f of err?.fields ?? []) fields[f.field] ??= f.message;
  const message = res.status === 401 ? 'Your session has ended; log in again.' : (err?.message ?? `Request failed (${res.status})`);
  return { ok: false, error: { status: res.status, message, fields } };
}

/** A timestamp for tables: local date and time to the second, or a dash. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}
