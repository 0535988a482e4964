'use client';

import { useState } from 'react';
import type { AlertEvent } from '@/lib/alerts/types';
import { errorMessage, requestJson } from '@/lib/client/api-client';

/** "Acknowledge" -> an optional comment and a confirm button; errors (e.g. already cleared) inline. */
export function AckForm({ alert, onDone }: { alert: AlertEvent; onDone: (a: AlertEvent) => void }) {
  const [open, setOpen] = useState(false);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (!open) {
    return (
      <button type="button" className="btn btn-ghost" onClick={() => setOpen(true)}>
        Acknowledge
      </button>
    );
  }
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const body = await requestJson<{ alert: AlertEvent }>(`/api/v1/alerts/${alert.id}/ack`, {
        json: comment.trim() ? { comment } : {},
      });
      onDone(body.alert);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="ack-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <input
        aria-label={`Comment for alert ${alert.id}`}
        placeholder="Comment (optional)"
        maxLength={500}
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        autoFocus
      />
      <button type="submit" className="btn" disabled={busy}>
        Confirm
      </button>
      <button type="button" className="btn btn-ghost" onClick={() => setOpen(false)} disabled={busy}>
        Cancel
      </button>
      {error ? (
        <span role="alert" className="bad">
          {error}
        </span>
      ) : null}
    </form>
  );
}
