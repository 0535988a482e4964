'use client';

import { useCallback, useState, type FormEvent } from 'react';
import { AUDIT_PAGE_SIZE, type AuditEntryView, type AuditPageView } from '@/lib/auth/admin-views';
import { apiCall, type ApiFailure } from '@/lib/client/api-client';
import { Field } from './field';
import { formatTime } from './format';
import { useDisplayTimeZone } from '@/lib/time/use-time-zone';
import { formError, Message } from './message';

type AuditEntry = AuditEntryView;

interface Filters {
  actor: string;
  action: string;
  outcome: string;
  from: string;
  to: string;
}

const EMPTY: Filters = { actor: '', action: '', outcome: '', from: '', to: '' };

/** `datetime-local` value (the browser's zone) -> ISO instant for the API. */
function toIso(local: string): string | null {
  if (!local) return null;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? local : d.toISOString();
}

function queryString(f: Filters, cursor: number | null): string {
  const q = new URLSearchParams();
  if (f.actor.trim()) q.set('actor', f.actor.trim());
  if (f.action.trim()) q.set('action', f.action.trim());
  if (f.outcome) q.set('outcome', f.outcome);
  const from = toIso(f.from);
  const to = toIso(f.to);
  if (from) q.set('from', from);
  if (to) q.set('to', to);
  q.set('limit', String(AUDIT_PAGE_SIZE));
  if (cursor !== null) q.set('cursor', String(cursor));
  return q.toString();
}

/** The audit log, newest first: filters (who, action, outcome, time range) and "older entries" paging. */
export function AuditLog({ initialPage, timeZone }: { initialPage: AuditPageView; timeZone: string | null }) {
  const zone = useDisplayTimeZone(timeZone);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [entries, setEntries] = useState<AuditEntry[]>(initialPage.entries);
  const [nextCursor, setNextCursor] = useState<number | null>(initialPage.nextCursor);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);

  const fetchPage = useCallback(async (f: Filters, cursor: number | null) => {
    setBusy(true);
    const res = await apiCall<AuditPageView>(`/api/v1/admin/audit?${queryString(f, cursor)}`);
    setBusy(false);
    if (!res.ok) {
      setError(res.error);
      return;
    }
    setError(null);
    setEntries((prev) => (cursor === null ? res.data.entries : [...prev, ...res.data.entries]));
    setNextCursor(res.data.nextCursor);
  }, []);

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const f: Filters = {
      actor: String(data.get('actor') ?? ''),
      action: String(data.get('action') ?? ''),
      outcome: String(data.get('outcome') ?? ''),
      from: String(data.get('from') ?? ''),
      to: String(data.get('to') ?? ''),
    };
    setFilters(f);
    void fetchPage(f, null);
  }

  const fe = error?.fields ?? {};
  return (
    <div className="admin-stack">
      <section className="panel" aria-labelledby="audit-filter-h">
        <h2 id="audit-filter-h">Filter</h2>
        <form onSubmit={onSubmit} noValidate className="admin-form" aria-labelledby="audit-filter-h">
          <Field id="audit-actor" label="User" error={fe.actor}>
            {(p) => <input {...p} name="actor" autoComplete="off" placeholder="e.g. admin" />}
          </Field>
          <Field id="audit-action" label="Action" error={fe.action}>
            {(p) => <input {...p} name="action" autoComplete="off" placeholder="e.g. auth.login or user." />}
          </Field>
          <Field id="audit-outcome" label="Outcome" error={fe.outcome}>
            {(p) => (
              <select {...p} name="outcome" defaultValue="">
                <option value="">any</option>
                <option value="success">success</option>
                <option value="failure">failure</option>
                <option value="denied">denied</option>
              </select>
            )}
          </Field>
          <Field id="audit-from" label="From" error={fe.from}>
            {(p) => <input {...p} name="from" type="datetime-local" step={1} />}
          </Field>
          <Field id="audit-to" label="To" error={fe.to}>
            {(p) => <input {...p} name="to" type="datetime-local" step={1} />}
          </Field>
          <div className="admin-form-actions">
            <button className="btn" type="submit" disabled={busy}>
              Apply filters
            </button>
          </div>
        </form>
      </section>
      <section className="panel" aria-labelledby="audit-h">
        <h2 id="audit-h">Audit log</h2>
        <Message kind="error" text={formError(error)} />
        {entries.length === 0 ? (
          <p className="muted" data-testid="audit-empty">
            No entries match.
          </p>
        ) : (
          <table aria-labelledby="audit-h" data-testid="audit-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Outcome</th>
                <th scope="col">Address</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id} data-testid="audit-row">
                  <td>{formatTime(e.at, zone)}</td>
                  <td data-testid="audit-actor">{e.actor ?? ''}</td>
                  <td data-testid="audit-action">{e.action}</td>
                  <td>{e.target ?? ''}</td>
                  <td data-outcome={e.outcome}>{e.outcome}</td>
                  <td>{e.address ?? ''}</td>
                  <td className="audit-details">{e.details ? JSON.stringify(e.details) : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {nextCursor !== null && (
          <button
            className="btn btn-ghost admin-more"
            type="button"
            disabled={busy}
            onClick={() => void fetchPage(filters, nextCursor)}
          >
            Older entries
          </button>
        )}
      </section>
    </div>
  );
}
