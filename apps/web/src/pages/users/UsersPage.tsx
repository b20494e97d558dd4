import type { List, PasswordReset, UserChanges, UserRole, UserView } from '@pharos/protocol';
import { type FormEvent, useState } from 'react';
import { api, type SessionUser } from '../../api/client';
import { useAction, useApi } from '../../app/useApi';
import { CopyField, SecretOnce } from '../../components/CopyField';
import { ConfirmDialog, Dialog } from '../../components/Dialog';
import { StatusBadge } from '../../components/Status';
import { Empty, ErrorState, InlineError, Loading } from '../../components/States';
import { dateTime } from '../../format/time';

type Editing = { user: UserView; what: 'role' | 'disable' | 'password' };

/** Every account: its role and state, changed here; and a form to add one (admins only). */
export function UsersPage({ currentUser }: { currentUser: SessionUser }) {
  const users = useApi<List<UserView>>('/api/v1/users');
  const [editing, setEditing] = useState<Editing | null>(null);
  const [notice, setNotice] = useState<string>();
  const [reset, setReset] = useState<PasswordReset | null>(null);
  const enable = useAction(async (user: UserView) => {
    await api.patch<UserView>(`/api/v1/users/${user.id}`, { disabled: false } satisfies UserChanges);
    setNotice(`${user.username} is enabled again and may sign in.`);
    users.reload();
  });
  const done = (message?: string) => {
    setEditing(null);
    setNotice(message);
    users.reload();
  };
  const enabledAdmins = users.data?.items.filter((u) => u.role === 'admin' && !u.disabled).length ?? 0;

  return (
    <section className="page">
      <header className="page-header">
        <h2>Users</h2>
      </header>
      {notice && (
        <p className="notice-bar" role="status">
          {notice}
        </p>
      )}
      {reset && (
        <SecretOnce title={`New password of ${reset.user.username}`} onDone={() => setReset(null)}>
          <CopyField label="New password" value={reset.password ?? ''} />
        </SecretOnce>
      )}
      <InlineError error={enable.error} />
      {users.loading && !users.data ? (
        <Loading />
      ) : !users.data ? (
        <ErrorState error={users.error} onRetry={users.reload} />
      ) : users.data.items.length === 0 ? (
        <Empty title="No users" />
      ) : (
        <div className="table-wrap">
          <table className="table cards" aria-label="Users">
            <thead>
              <tr>
                <th>Username</th>
                <th>Role</th>
                <th>State</th>
                <th>Created</th>
                <th>
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.data.items.map((u) => {
                const self = u.id === currentUser.id;
                const lastAdmin = u.role === 'admin' && !u.disabled && enabledAdmins <= 1;
                const locked = self ? 'You cannot disable or demote your own account.' : lastAdmin ? 'The last enabled admin cannot be disabled or demoted.' : undefined;
                return (
                  <tr key={u.id} data-user={u.username}>
                    <td className="card-title">
                      <strong>{u.username}</strong>
                      {self && <span className="muted small"> (you)</span>}
                    </td>
                    <td data-label="Role">{u.role}</td>
                    <td data-label="State">
                      <StatusBadge status={u.disabled ? 'offline' : 'online'} label={u.disabled ? 'disabled' : 'active'} />
                    </td>
                    <td data-label="Created" className="muted small">
                      {dateTime(u.createdAt)}
                    </td>
                    <td className="actions">
                      <button type="button" className="small" onClick={() => setEditing({ user: u, what: 'role' })} disabled={Boolean(locked) && u.role === 'admin'} title={u.role === 'admin' ? locked : undefined} aria-label={`Change the role of ${u.username}`}>
                        Change role
                      </button>
                      <button type="button" className="small" onClick={() => setEditing({ user: u, what: 'password' })} aria-label={`Reset the password of ${u.username}`}>
                        Reset password
                      </button>
                      {u.disabled ? (
                        <button type="button" className="small" onClick={() => void enable.run(u)} disabled={enable.busy} aria-label={`Enable ${u.username}`}>
                          Enable
                        </button>
                      ) : (
                        <button type="button" className="small danger" onClick={() => setEditing({ user: u, what: 'disable' })} disabled={Boolean(locked)} title={locked} aria-label={`Disable ${u.username}`}>
                          Disable
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {editing?.what === 'role' && <RoleDialog user={editing.user} onClose={() => setEditing(null)} onSaved={(u) => done(`${u.username} is now ${u.role === 'admin' ? 'an admin' : 'a viewer'}.`)} />}
      {editing?.what === 'disable' && <DisableDialog user={editing.user} onClose={() => setEditing(null)} onDisabled={(u) => done(`${u.username} is disabled: signed out everywhere and cannot sign in.`)} />}
      {editing?.what === 'password' && (
        <PasswordDialog
          user={editing.user}
          self={editing.user.id === currentUser.id}
          onClose={() => setEditing(null)}
          onReset={(result) => {
            done(result.password ? undefined : `${result.user.username}'s password was changed; they were signed out everywhere.`);
            if (result.password) setReset(result);
          }}
        />
      )}
      <section className="card card-pad stack" aria-label="New user">
        <h3>New user</h3>
        <NewUserForm onCreated={users.reload} />
      </section>
    </section>
  );
}

function RoleDialog({ user, onClose, onSaved }: { user: UserView; onClose: () => void; onSaved: (user: UserView) => void }) {
  const [role, setRole] = useState<UserRole>(user.role);
  const save = useAction(() => api.patch<UserView>(`/api/v1/users/${user.id}`, { role } satisfies UserChanges));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const saved = await save.run();
    if (saved) onSaved(saved);
  };
  return (
    <Dialog title={`Role of ${user.username}`} open onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <fieldset className="choices">
          <legend className="visually-hidden">Role</legend>
          <label className="choice">
            <input type="radio" name="role" value="admin" checked={role === 'admin'} onChange={() => setRole('admin')} />
            <span>
              <strong>Admin</strong>
              <span className="muted small">Changes the fleet: servers, credentials, commands, releases, users.</span>
            </span>
          </label>
          <label className="choice">
            <input type="radio" name="role" value="viewer" checked={role === 'viewer'} onChange={() => setRole('viewer')} />
            <span>
              <strong>Viewer</strong>
              <span className="muted small">Watches the fleet, its metrics and logs; changes nothing.</span>
            </span>
          </label>
        </fieldset>
        <InlineError error={save.error} />
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={save.busy || role === user.role}>
            {save.busy ? 'Saving…' : 'Save role'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function DisableDialog({ user, onClose, onDisabled }: { user: UserView; onClose: () => void; onDisabled: (user: UserView) => void }) {
  const disable = useAction(() => api.patch<UserView>(`/api/v1/users/${user.id}`, { disabled: true } satisfies UserChanges));
  return (
    <ConfirmDialog
      title={`Disable ${user.username}?`}
      open
      confirmLabel="Disable user"
      danger
      busy={disable.busy}
      error={disable.error}
      onClose={onClose}
      onConfirm={async () => {
        const saved = await disable.run();
        if (saved) onDisabled(saved);
      }}
    >
      <p>
        {user.username} is signed out everywhere at once and cannot sign in until enabled again. Their account, role and history stay.
      </p>
    </ConfirmDialog>
  );
}

function PasswordDialog({ user, self, onClose, onReset }: { user: UserView; self: boolean; onClose: () => void; onReset: (result: PasswordReset) => void }) {
  const [password, setPassword] = useState('');
  const reset = useAction(() => api.post<PasswordReset>(`/api/v1/users/${user.id}/password`, password ? { password } : {}));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await reset.run();
    if (result) onReset(result);
  };
  return (
    <Dialog title={`Reset the password of ${user.username}`} open onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <p>
          {self ? 'You are' : `${user.username} is`} signed out everywhere; the old password stops working at once.
        </p>
        <label>
          New password
          <input value={password} onChange={(e) => setPassword(e.target.value)} type="password" autoComplete="new-password" minLength={8} maxLength={1024} placeholder="Leave empty to generate one" />
        </label>
        <p className="hint">A generated password is shown once, for you to hand over.</p>
        <InlineError error={reset.error} />
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={reset.busy}>
            {reset.busy ? 'Resetting…' : password ? 'Set password' : 'Generate a password'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function NewUserForm({ onCreated }: { onCreated: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<UserRole>('viewer');
  const create = useAction(async () => {
    await api.post<UserView>('/api/v1/users', { username, password, role });
    setUsername('');
    setPassword('');
    onCreated();
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void create.run();
  };
  return (
    <form className="form" onSubmit={submit}>
      <div className="form-row">
        <label>
          Username
          <input value={username} onChange={(e) => setUsername(e.target.value)} required autoComplete="off" />
        </label>
        <label>
          Password
          <input value={password} onChange={(e) => setPassword(e.target.value)} required minLength={8} type="password" autoComplete="new-password" />
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value as UserRole)}>
            <option value="viewer">viewer</option>
            <option value="admin">admin</option>
          </select>
        </label>
      </div>
      <InlineError error={create.error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={create.busy}>
          Create user
        </button>
      </div>
    </form>
  );
}
