'use client';

import { useState } from 'react';
import { apiCall, type ApiFailure } from '@/lib/client/api-client';
import { formError, Message } from '../admin/message';

/** Ends every other session and login token of the user; this tab keeps its (re-issued) session. */
export function RevokeSessionsButton() {
  const [error, setError] = useState<ApiFailure | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  async function revoke() {
    setBusy(true);
    setDone(false);
    const res = await apiCall('/api/v1/me/sessions/revoke', { method: 'POST', json: {} });
    setBusy(false);
    if (!res.ok) return setError(res.error);
    setError(null);
    setDone(true);
  }

  return (
    <div className="account-form">
      <Message kind="error" text={formError(error)} />
      <Message kind="notice" text={done ? 'Every other session and login token has been logged out.' : null} />
      <p>Ends the console on every other browser and revokes your login tokens. This browser stays logged in.</p>
      <button className="btn" type="button" onClick={() => void revoke()} disabled={busy}>
        {busy ? 'Logging out…' : 'Log out other sessions'}
      </button>
    </div>
  );
}
