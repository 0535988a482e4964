'use client';

import { useState, type FormEvent } from 'react';
import { apiCall, type ApiFailure } from '@/lib/client/api-client';
import { Field } from '../admin/field';
import { formError, Message } from '../admin/message';

/** Change your own password: current one, new one twice (the repeat is checked here, the rules by the API). */
export function ChangePasswordForm() {
  const [error, setError] = useState<ApiFailure | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const currentPassword = String(data.get('currentPassword') ?? '');
    const newPassword = String(data.get('newPassword') ?? '');
    setDone(false);
    if (newPassword !== String(data.get('repeatPassword') ?? '')) {
      setError({
        status: 400,
        code: 'validation_failed',
        message: 'The new passwords differ',
        fields: { repeatPassword: 'the two new passwords differ' },
      });
      return;
    }
    setBusy(true);
    const res = await apiCall('/api/v1/me/password', { json: { currentPassword, newPassword } });
    setBusy(false);
    if (!res.ok) return setError(res.error);
    setError(null);
    setDone(true);
    form.reset();
  }

  const f = error?.fields ?? {};
  return (
    <form onSubmit={onSubmit} noValidate className="account-form" aria-labelledby="password-h">
      <Message kind="error" text={formError(error)} />
      <Message kind="notice" text={done ? 'Password changed. Use the new one next time you log in.' : null} />
      <Field id="current-password" label="Current password" error={f.currentPassword}>
        {(p) => (
          <input
            {...p}
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            maxLength={1024}
            required
          />
        )}
      </Field>
      <Field id="new-password" label="New password" error={f.newPassword}>
        {(p) => (
          <input {...p} name="newPassword" type="password" autoComplete="new-password" maxLength={1024} required />
        )}
      </Field>
      <Field id="repeat-password" label="Repeat new password" error={f.repeatPassword}>
        {(p) => (
          <input {...p} name="repeatPassword" type="password" autoComplete="new-password" maxLength={1024} required />
        )}
      </Field>
      <button className="btn" type="submit" disabled={busy}>
        {busy ? 'Changing…' : 'Change password'}
      </button>
    </form>
  );
}
