'use client';

import { useState } from 'react';
import type { Annotation } from '@/lib/annotations/types';
import { ApiRequestError, errorMessage, requestJson } from '@/lib/client/api-client';
import { formatZoned } from '@/lib/time/zoned';
import { draftBody, editDraft, newDraft, type Draft } from './annotation-draft';

export interface Viewer {
  id: string;
  role: 'viewer' | 'operator' | 'admin';
}

/** Operators and admins write notes; viewers read them. */
export function canAnnotate(me: Viewer | null): boolean {
  return me !== null && me.role !== 'viewer';
}

export interface AnnotationPanelProps {
  assetId: string;
  annotations: Annotation[];
  zone: string;
  me: Viewer | null;
  draft: Draft | null;
  setDraft: (d: Draft | null) => void;
  /** Where a new note starts before a chart click picks its time (the newest point, or now). */
  defaultTs: () => number;
  /** The server's answer, applied at once (the socket event follows for everyone else). */
  onSaved: (a: Annotation) => void;
  onDeleted: (a: Annotation) => void;
}

const inputStyle = {
  background: 'var(--panel-2)',
  color: 'var(--text)',
  border: '1px solid var(--border)',
  borderRadius: 6,
  padding: '.4rem .5rem',
};

function when(a: Annotation, zone: string): string {
  const start = formatZoned(a.start, zone);
  if (a.end === null) return start;
  const end = formatZoned(a.end, zone);
  return `${start} – ${end.slice(0, 10) === start.slice(0, 10) ? end.slice(11) : end}`;
}

/**
 * The "Annotate" control (operators and admins) and the list of the notes on the charts above
 * (everyone): author, time, note; edit for the author, delete for the author or an admin.
 */
export function AnnotationPanel(p: AnnotationPanelProps) {
  const { draft, setDraft, zone, me } = p;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ field?: string; message: string } | null>(null);
  const canWrite = canAnnotate(me);

  const save = async () => {
    if (!draft) return;
    const body = draftBody(draft, zone);
    if (!body.ok) return setError({ field: body.field, message: body.message });
    setBusy(true);
    setError(null);
    try {
      const { start, end, note } = body;
      const res = draft.editing
        ? await requestJson<{ annotation: Annotation }>(`/api/v1/annotations/${draft.editing}`, {
            method: 'PATCH',
            json: { start, end, note },
          })
        : await requestJson<{ annotation: Annotation }>('/api/v1/annotations', {
            json: { assetId: p.assetId, start, end, note },
          });
      p.onSaved(res.annotation);
      setDraft(null);
    } catch (err) {
      const field = err instanceof ApiRequestError ? err.fields[0]?.field : undefined;
      setError({
        field,
        message: err instanceof ApiRequestError && err.fields[0] ? err.fields[0].message : errorMessage(err),
      });
    } finally {
      setBusy(false);
    }
  };

  const remove = async (a: Annotation) => {
    setBusy(true);
    setError(null);
    try {
      await requestJson(`/api/v1/annotations/${a.id}`, { method: 'DELETE' });
      p.onDeleted(a);
    } catch (err) {
      setError({ message: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel annotations-panel" aria-labelledby={`annotations-h-${p.assetId}`}>
      <div className="dash-toolbar">
        <h2 id={`annotations-h-${p.assetId}`} style={{ margin: 0 }}>
          <span className="annotation-glyph" aria-hidden>
            ✎
          </span>{' '}
          Annotations
        </h2>
        {canWrite && !draft ? (
          <button type="button" className="btn btn-ghost" onClick={() => setDraft(newDraft(p.defaultTs(), zone))}>
            Annotate
          </button>
        ) : null}
      </div>
      {draft ? (
        <form
          className="dash-toolbar"
          aria-label={draft.editing ? 'Edit annotation' : 'New annotation'}
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <p className="muted" style={{ flexBasis: '100%', margin: 0 }}>
            Drag across a chart to mark a range, or click it to pick a time (with “Mark range” on). Or type the times (
            {zone}).
          </p>
          <label className="dash-field">
            <span>{draft.end ? 'Note from' : 'Note time'}</span>
            <input
              type="datetime-local"
              step={1}
              style={inputStyle}
              value={draft.start}
              aria-invalid={error?.field === 'start'}
              onChange={(e) => setDraft({ ...draft, start: e.target.value })}
            />
          </label>
          <label className="dash-field">
            <span>Note until (optional)</span>
            <input
              type="datetime-local"
              step={1}
              style={inputStyle}
              value={draft.end}
              aria-invalid={error?.field === 'end'}
              onChange={(e) => setDraft({ ...draft, end: e.target.value })}
            />
          </label>
          {draft.end ? (
            <button type="button" className="btn btn-ghost" onClick={() => setDraft({ ...draft, end: '' })}>
              Point in time
            </button>
          ) : null}
          <label className="dash-field" style={{ flex: '1 1 18rem' }}>
            <span>Note</span>
            <input
              type="text"
              maxLength={500}
              style={{ ...inputStyle, flex: 1 }}
              value={draft.note}
              placeholder="e.g. catalyst change"
              aria-invalid={error?.field === 'note'}
              onChange={(e) => setDraft({ ...draft, note: e.target.value })}
            />
          </label>
          <button type="submit" className="btn" disabled={busy}>
            {draft.editing ? 'Save' : 'Add note'}
          </button>
          <button
            type="button"
            className="btn btn-ghost"
            onClick={() => {
              setDraft(null);
              setError(null);
            }}
          >
            Cancel
          </button>
        </form>
      ) : null}
      {error ? (
        <p role="alert" className="error">
          {error.message}
        </p>
      ) : null}
      {p.annotations.length ? (
        <ul className="annotation-list" aria-label="Annotations in view">
          {p.annotations.map((a) => {
            const mine = me !== null && a.authorId === me.id;
            return (
              <li key={a.id} data-annotation-id={a.id}>
                <span className="muted">{when(a, zone)}</span> <strong>{a.note}</strong>{' '}
                <span className="muted">
                  — {a.authorUsername}
                  {a.assetId === null ? ' · plant-wide' : ''}
                </span>
                {mine ? (
                  <button
                    type="button"
                    className="btn btn-ghost btn-small"
                    disabled={busy}
                    onClick={() => setDraft(editDraft(a, zone))}
                  >
                    Edit
                  </button>
                ) : null}
                {mine || me?.role === 'admin' ? (
                  <button
                    type="button"
                    className="btn btn-ghost btn-small"
                    disabled={busy}
                    onClick={() => void remove(a)}
                  >
                    Delete
                  </button>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="muted">No annotations in view.</p>
      )}
    </section>
  );
}
