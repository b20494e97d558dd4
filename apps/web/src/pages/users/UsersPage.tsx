import type { List, PasswordReset, UserChanges, UserRole, UserView } from '@pharos/protocol';
import { type FormEvent, useState } from 'react';
import { api, type SessionUser } from '../../api/client';
import { useAction, useApi } from '../../app/useApi';
import { ActionForm } from '../../components/ActionForm';
import { CopyField, SecretOnce } from '../../components/CopyField';
import { type Column, DataTable } from '../../components/DataTable';
import { ConfirmDialog, Dialog } from '../../components/Dialog';
import { PageHeader } from '../../components/PageHeader';
import { StatusBadge } from '../../components/Status';
import { Empty, InlineError, Loaded } from '../../components/States';
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
  const columns: Column<UserView>[] = [
    {
      header: 'Username',
      kind: 'title',
      cell: (u) => (
        <>
          <strong>{u.username}</strong>
          {u.id === currentUser.id && <span className="muted small"> (you)</span>}
        </>
      ),
    },
    { header: 'Role', cell: (u) => u.role },
    { header: 'State', cell: (u) => <StatusBadge status={u.disabled ? 'offline' : 'online'} label={u.disabled ? 'disabled' : 'active'} /> },
    { header: 'Created', className: 'muted small', cell: (u) => dateTime(u.createdAt) },
    {
      header: 'Actions',
      kind: 'actions',
      cell: (u) => (
        <UserActions user={u} locked={lockReason(u, currentUser, enabledAdmins)} enabling={enable.busy} onEdit={(what) => setEditing({ user: u, what })} onEnable={() => void enable.run(u)} />
      ),
    },
  ];

  return (
    <section className="page">
      <PageHeader title="Users" />
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
      <Loaded resource={users}>
        {({ items }) => <DataTable label="Users" columns={columns} rows={items} empty={<Empty title="No users" />} rowAttributes={(u) => ({ 'data-user': u.username })} />}
      </Loaded>
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

/** Why `user` may not be disabled or demoted, if they may not. */
function lockReason(user: UserView, currentUser: SessionUser, enabledAdmins: number): string | undefined {
  if (user.id === currentUser.id) return 'You cannot disable or demote your own account.';
  if (user.role === 'admin' && !user.disabled && enabledAdmins <= 1) return 'The last enabled admin cannot be disabled or demoted.';
  return undefined;
}

function UserActions({ user, locked, enabling, onEdit, onEnable }: { user: UserView; locked: string | undefined; enabling: boolean; onEdit: (what: Editing['what']) => void; onEnable: () => void }) {
  return (
    <>
      <button type="button" className="small" onClick={() => onEdit('role')} disabled={Boolean(locked) && user.role === 'admin'} title={user.role === 'admin' ? locked : undefined} aria-label={`Change the role of ${user.username}`}>
        Change role
      </button>
      <button type="button" className="small" onClick={() => onEdit('password')} aria-label={`Reset the password of ${user.username}`}>
        Reset password
      </button>
      {user.disabled ? (
        <button type="button" className="small" onClick={onEnable} disabled={enabling} aria-label={`Enable ${user.username}`}>
          Enable
        </button>
      ) : (
        <button type="button" className="small danger" onClick={() => onEdit('disable')} disabled={Boolean(locked)} title={locked} aria-label={`Disable ${user.username}`}>
          Disable
        </button>
      )}
    </>
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
  return (
    <ActionForm submit="Create user" busy={create.busy} error={create.error} onSubmit={() => void create.run()}>
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
    </ActionForm>
  );
}
