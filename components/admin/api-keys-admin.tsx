'use client';

import { useCallback, useState, type FormEvent } from 'react';
import type { KeyView } from '@/lib/auth/admin-views';
import { apiCall, type ApiFailure } from '@/lib/client/api-client';
import { Field } from './field';
import { formatTime } from './format';
import { useDisplayTimeZone } from '@/lib/time/use-time-zone';
import { formError, Message } from './message';

type KeyRow = KeyView;

interface CreatedKey {
  key: string;
  prefix: string;
  expiresAt: string;
  owner: string;
  role: string;
}

/** API keys: create one for a user (shown once, with a copy button), list, revoke. */
export function ApiKeysAdmin({
  initialKeys,
  usernames,
  timeZone,
}: {
  initialKeys: KeyRow[];
  usernames: string[];
  /** The user's chosen zone; null = the browser's. */
  timeZone: string | null;
}) {
  const zone = useDisplayTimeZone(timeZone);
  const [keys, setKeys] = useState<KeyRow[]>(initialKeys);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(async () => {
    const res = await apiCall<{ keys: KeyRow[] }>('/api/v1/admin/api-keys');
    if (res.ok) {
      setKeys(res.data.keys);
      setLoadError(null);
    } else setLoadError(res.error.message);
  }, []);

  async function revoke(k: KeyRow) {
    const res = await apiCall(`/api/v1/admin/api-keys/${k.prefix}`, { method: 'DELETE' });
    setNotice(
      res.ok ? `Key ${k.prefix} of ${k.owner} is revoked.` : `Could not revoke ${k.prefix}: ${res.error.message}`,
    );
    void load();
  }

  return (
    <div className="admin-stack">
      <CreateKeyForm
        usernames={usernames}
        onCreated={(c) => {
          setCreated(c);
          setNotice(null);
          void load();
        }}
      />
      {created && <NewKey created={created} zone={zone} onDismiss={() => setCreated(null)} />}
      <section className="panel" aria-labelledby="keys-h">
        <h2 id="keys-h">API keys</h2>
        <Message kind="notice" text={notice} />
        <Message kind="error" text={loadError} />
        {keys.length === 0 ? (
          <p className="muted">No API keys yet.</p>
        ) : (
          <table aria-labelledby="keys-h" data-testid="keys-table">
            <thead>
              <tr>
                <th scope="col">Prefix</th>
                <th scope="col">Name</th>
                <th scope="col">Owner</th>
                <th scope="col">Role</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">State</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id} data-testid={`key-row-${k.prefix}`}>
                  <td>
                    <code>{k.prefix}</code>
                  </td>
                  <td>{k.name ?? ''}</td>
                  <td>
                    {k.owner}
                    {k.ownerDisabled && <span className="muted"> (disabled)</span>}
                  </td>
                  <td>{k.role}</td>
                  <td>{formatTime(k.createdAt, zone)}</td>
                  <td>{formatTime(k.expiresAt, zone)}</td>
                  <td>{k.lastUsedAt ? formatTime(k.lastUsedAt, zone) : 'never'}</td>
                  <td data-testid="key-state">{k.state}</td>
                  <td>
                    {k.state !== 'revoked' && (
                      <button
                        className="btn btn-ghost"
                        type="button"
                        onClick={() => void revoke(k)}
                        aria-label={`Revoke key ${k.prefix}`}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}

function CreateKeyForm({ usernames, onCreated }: { usernames: string[]; onCreated: (c: CreatedKey) => void }) {
  const [error, setError] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const daysText = String(data.get('days') ?? '').trim();
    setBusy(true);
    const res = await apiCall<CreatedKey>('/api/v1/admin/api-keys', {
      // A non-numeric entry goes as text, so the API names the field instead of it being dropped.
      json: {
        username: String(data.get('username') ?? ''),
        days: daysText === '' ? undefined : Number.isFinite(Number(daysText)) ? Number(daysText) : daysText,
        name: String(data.get('name') ?? ''),
      },
    });
    setBusy(false);
    if (!res.ok) return setError(res.error);
    setError(null);
    form.reset();
    onCreated(res.data);
  }

  const f = error?.fields ?? {};
  return (
    <section className="panel" aria-labelledby="new-key-h">
      <h2 id="new-key-h">New API key</h2>
      <form onSubmit={onSubmit} noValidate className="admin-form" aria-labelledby="new-key-h">
        <Message kind="error" text={formError(error)} />
        <Field id="key-owner" label="Owner" error={f.username}>
          {(p) => (
            <select {...p} name="username" required defaultValue="">
              <option value="" disabled>
                Choose a user…
              </option>
              {usernames.map((u) => (
                <option key={u} value={u}>
                  {u}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id="key-days" label="Valid for (days)" error={f.days}>
          {(p) => (
            <input {...p} name="days" type="number" inputMode="numeric" min={1} max={3650} defaultValue={90} required />
          )}
        </Field>
        <Field id="key-name" label="Label (optional)" error={f.name}>
          {(p) => <input {...p} name="name" autoComplete="off" maxLength={100} />}
        </Field>
        <div className="admin-form-actions">
          <button className="btn" type="submit" disabled={busy}>
            {busy ? 'Creating…' : 'Create key'}
          </button>
        </div>
      </form>
    </section>
  );
}

function NewKey({ created, zone, onDismiss }: { created: CreatedKey; zone: string; onDismiss: () => void }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  }
  return (
    <section className="panel key-once" aria-labelledby="key-once-h" role="region">
      <h2 id="key-once-h">
        Key {created.prefix} for {created.owner} ({created.role})
      </h2>
      <p>
        This key is shown only once: copy it now. It expires {formatTime(created.expiresAt, zone)}. Send it as{' '}
        <code>Authorization: Bearer &lt;key&gt;</code>.
      </p>
      <label htmlFor="new-key-value">New API key</label>
      <div className="key-once-row">
        <input
          id="new-key-value"
          data-testid="new-key"
          readOnly
          value={created.key}
          onFocus={(e) => e.currentTarget.select()}
        />
        <button className="btn" type="button" onClick={() => void copy()}>
          Copy
        </button>
        <button className="btn btn-ghost" type="button" onClick={onDismiss}>
          Done
        </button>
      </div>
      <p role="status" className="muted">
        {copied === 'yes'
          ? 'Copied to the clipboard.'
          : copied === 'failed'
            ? 'The browser refused the clipboard: select the key and copy it.'
            : ''}
      </p>
    </section>
  );
}
