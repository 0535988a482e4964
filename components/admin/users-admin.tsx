'use client';

import { useCallback, useState, type FormEvent } from 'react';
import type { UserView } from '@/lib/auth/admin-views';
import { apiCall, type ApiFailure } from '@/lib/client/api-client';
import { Field } from './field';
import { formatTime } from './format';
import { useDisplayTimeZone } from '@/lib/time/use-time-zone';
import { formError, Message } from './message';
import { ROLES, type Role } from '@/lib/auth/roles';

type UserRow = UserView;

/** Users: create, change role, disable/enable, reset password. Every change goes through the admin API. */
export function UsersAdmin({
  currentUserId,
  initialUsers,
  timeZone,
}: {
  currentUserId: string;
  initialUsers: UserRow[];
  /** The user's chosen zone; null = the browser's. */
  timeZone: string | null;
}) {
  const zone = useDisplayTimeZone(timeZone);
  const [users, setUsers] = useState<UserRow[]>(initialUsers);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(async () => {
    const res = await apiCall<{ users: UserRow[] }>('/api/v1/admin/users');
    if (res.ok) {
      setUsers(res.data.users);
      setLoadError(null);
    } else setLoadError(res.error.message);
  }, []);

  return (
    <div className="admin-stack">
      <CreateUserForm
        onCreated={(u) => {
          setNotice(`Created ${u.username} (${u.role}).`);
          void load();
        }}
      />
      <section className="panel" aria-labelledby="users-h">
        <h2 id="users-h">Users</h2>
        <Message kind="notice" text={notice} />
        <Message kind="error" text={loadError} />
        {
          <table aria-labelledby="users-h" data-testid="users-table">
            <thead>
              <tr>
                <th scope="col">Username</th>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">State</th>
                <th scope="col">Last login</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <UserRowView
                  key={u.id}
                  user={u}
                  isSelf={u.id === currentUserId}
                  zone={zone}
                  onChanged={(msg) => {
                    setNotice(msg);
                    void load();
                  }}
                />
              ))}
            </tbody>
          </table>
        }
      </section>
    </div>
  );
}

function CreateUserForm({ onCreated }: { onCreated: (u: UserRow) => void }) {
  const [error, setError] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    setBusy(true);
    const res = await apiCall<{ user: UserRow }>('/api/v1/admin/users', {
      json: {
        username: String(data.get('username') ?? ''),
        displayName: String(data.get('displayName') ?? ''),
        password: String(data.get('password') ?? ''),
        role: String(data.get('role') ?? 'viewer'),
      },
    });
    setBusy(false);
    if (!res.ok) return setError(res.error);
    setError(null);
    form.reset();
    onCreated(res.data.user);
  }

  const f = error?.fields ?? {};
  return (
    <section className="panel" aria-labelledby="new-user-h">
      <h2 id="new-user-h">New user</h2>
      <form onSubmit={onSubmit} noValidate className="admin-form" aria-labelledby="new-user-h">
        <Message kind="error" text={formError(error)} />
        <Field id="new-username" label="Username" error={f.username}>
          {(p) => <input {...p} name="username" autoComplete="off" maxLength={64} required />}
        </Field>
        <Field id="new-display-name" label="Display name" error={f.displayName}>
          {(p) => <input {...p} name="displayName" autoComplete="off" maxLength={100} />}
        </Field>
        <Field id="new-password" label="Initial password" error={f.password}>
          {(p) => (
            <input {...p} name="password" type="password" autoComplete="new-password" maxLength={1024} required />
          )}
        </Field>
        <Field id="new-role" label="Role" error={f.role}>
          {(p) => (
            <select {...p} name="role" defaultValue="viewer">
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="admin-form-actions">
          <button className="btn" type="submit" disabled={busy}>
            {busy ? 'Creating…' : 'Create user'}
          </button>
        </div>
      </form>
    </section>
  );
}

function UserRowView({
  user,
  isSelf,
  zone,
  onChanged,
}: {
  user: UserRow;
  isSelf: boolean;
  zone: string;
  onChanged: (message: string) => void;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [resetting, setResetting] = useState(false);
  // Chosen here, applied by the Save button: arrowing through a closed select with the keyboard
  // fires a change per step, which must not promote or demote anyone on the way.
  const [role, setRole] = useState<Role>(user.role);

  async function patch(body: { role?: Role; disabled?: boolean }, done: string) {
    setBusy(true);
    const res = await apiCall<{ user: UserRow }>(`/api/v1/admin/users/${user.id}`, { method: 'PATCH', json: body });
    setBusy(false);
    if (!res.ok) {
      setRole(user.role);
      return setError(Object.values(res.error.fields)[0] ?? res.error.message);
    }
    setError(null);
    onChanged(done);
  }

  return (
    <>
      <tr data-testid={`user-row-${user.username}`}>
        <td>
          {user.username}
          {isSelf && <span className="muted"> (you)</span>}
        </td>
        <td>{user.displayName ?? ''}</td>
        <td>
          <label className="visually-hidden" htmlFor={`role-${user.id}`}>
            Role of {user.username}
          </label>
          <span className="role-edit">
            <select
              id={`role-${user.id}`}
              value={role}
              disabled={busy}
              onChange={(e) => setRole(e.target.value as Role)}
            >
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
            {role !== user.role && (
              <button
                className="btn"
                type="button"
                disabled={busy}
                onClick={() => void patch({ role }, `${user.username} is now ${role}.`)}
                aria-label={`Save role of ${user.username}`}
              >
                Save
              </button>
            )}
          </span>
        </td>
        <td data-testid="user-state">{user.disabled ? 'disabled' : 'active'}</td>
        <td>{formatTime(user.lastLoginAt, zone)}</td>
        <td className="row-actions">
          <button
            className="btn btn-ghost"
            type="button"
            disabled={busy}
            onClick={() =>
              void patch({ disabled: !user.disabled }, `${user.username} is ${user.disabled ? 'enabled' : 'disabled'}.`)
            }
            aria-label={`${user.disabled ? 'Enable' : 'Disable'} ${user.username}`}
          >
            {user.disabled ? 'Enable' : 'Disable'}
          </button>
          <button
            className="btn btn-ghost"
            type="button"
            aria-expanded={resetting}
            onClick={() => setResetting((v) => !v)}
            aria-label={`Reset password of ${user.username}`}
          >
            Reset password
          </button>
        </td>
      </tr>
      {error && (
        <tr>
          <td colSpan={6}>
            <p className="error" role="alert">
              {user.username}: {error}
            </p>
          </td>
        </tr>
      )}
      {resetting && (
        <tr>
          <td colSpan={6}>
            <ResetPasswordForm
              user={user}
              onDone={() => {
                setResetting(false);
                onChanged(`Password of ${user.username} changed.`);
              }}
            />
          </td>
        </tr>
      )}
    </>
  );
}

function ResetPasswordForm({ user, onDone }: { user: UserRow; onDone: () => void }) {
  const [error, setError] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const password = String(new FormData(e.currentTarget).get('password') ?? '');
    setBusy(true);
    const res = await apiCall(`/api/v1/admin/users/${user.id}/password`, { json: { password } });
    setBusy(false);
    if (!res.ok) return setError(res.error);
    onDone();
  }

  return (
    <form
      onSubmit={onSubmit}
      noValidate
      className="admin-form admin-form-inline"
      aria-label={`New password for ${user.username}`}
    >
      <Field
        id={`reset-${user.id}`}
        label={`New password for ${user.username}`}
        error={error?.fields.password ?? formError(error) ?? undefined}
      >
        {(p) => (
          <input
            {...p}
            name="password"
            type="password"
            autoComplete="new-password"
            maxLength={1024}
            autoFocus
            required
          />
        )}
      </Field>
      <div className="admin-form-actions">
        <button className="btn" type="submit" disabled={busy}>
          Set password
        </button>
      </div>
    </form>
  );
}
