'use client';

import { useState } from 'react';
import type { AlertEvent } from '@/lib/alerts/types';
import { errorMessage, requestJson } from '@/lib/client/api-client';

type Unit = 'minutes' | 'hours' | 'one_shot';

/**
 * "Shelve" -> how long (until it returns to normal, or a number of minutes or hours) and the
 * mandatory reason. The server checks the admin's maximum and names `durationSeconds` when over.
 */
export function ShelveForm({ alert, onDone }: { alert: AlertEvent; onDone: (a: AlertEvent) => void }) {
  const [open, setOpen] = useState(false);
  const [amount, setAmount] = useState('1');
  const [unit, setUnit] = useState<Unit>('hours');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (!open) {
    return (
      <button type="button" className="btn btn-ghost" onClick={() => setOpen(true)}>
        Shelve
      </button>
    );
  }
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const durationSeconds = unit === 'one_shot' ? null : Math.round(Number(amount) * (unit === 'hours' ? 3600 : 60));
      const body = await requestJson<{ alert: AlertEvent }>(`/api/v1/alerts/${alert.id}/shelve`, {
        json: { durationSeconds, reason },
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
      <select
        aria-label={`Shelve alarm ${alert.id} for`}
        value={unit}
        onChange={(e) => setUnit(e.target.value as Unit)}
      >
        <option value="one_shot">until it returns to normal</option>
        <option value="minutes">minutes</option>
        <option value="hours">hours</option>
      </select>
      {unit !== 'one_shot' ? (
        <input
          type="number"
          min="0"
          step="any"
          aria-label={`Shelving time of alarm ${alert.id}`}
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
        />
      ) : null}
      <input
        aria-label={`Reason for shelving alarm ${alert.id}`}
        placeholder="Reason (required)"
        maxLength={500}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        required
      />
      <button type="submit" className="btn" disabled={busy || !reason.trim()}>
        Shelve
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

/** Takes a shelved alarm back (it is then active and acknowledged). */
export function UnshelveButton({ alert, onDone }: { alert: AlertEvent; onDone: (a: AlertEvent) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <button
        type="button"
        className="btn btn-ghost"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          setError(null);
          requestJson<{ alert: AlertEvent }>(`/api/v1/alerts/${alert.id}/unshelve`, { json: {} })
            .then((b) => onDone(b.alert))
            .catch((err: unknown) => setError(errorMessage(err)))
            .finally(() => setBusy(false));
        }}
      >
        Unshelve
      </button>
      {error ? (
        <span role="alert" className="bad">
          {error}
        </span>
      ) : null}
    </>
  );
}
