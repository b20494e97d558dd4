import type { List, PasswordReset, UserChanges, UserRole, UserTwoFactorView, UserView } from '@pharos/protocol';
import { type FormEvent, useState } from 'react';
import { UserSessionsDialog } from '../sessions/UserSessionsDialog';
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
import type { Dictionary } from '../../i18n/en';
import { useT } from '../../i18n/i18n';

type Editing = { user: UserView; what: 'role' | 'disable' | 'password' | 'reset-two-factor' | 'sessions' };

/** Every account: its role and state, changed here; and a form to add one (admins only). */
export function UsersPage({ currentUser }: { currentUser: SessionUser }) {
  const t = useT();
  const users = useApi<List<UserView>>('/api/v1/users');
  const twoFactor = useApi<List<UserTwoFactorView>>('/api/v1/users/two-factor');
  const twoFactorOf = new Map(twoFactor.data?.items.map((v) => [v.userId, v]));
  const setRequired = useAction(async (user: UserView, required: boolean) => {
    await api.patch<UserTwoFactorView>(`/api/v1/users/${user.id}/two-factor`, { required });
    setNotice(t.twoFactorNowRequired(user.username, required));
    twoFactor.reload();
  });
  const [editing, setEditing] = useState<Editing | null>(null);
  const [notice, setNotice] = useState<string>();
  const [reset, setReset] = useState<PasswordReset | null>(null);
  const enable = useAction(async (user: UserView) => {
    await api.patch<UserView>(`/api/v1/users/${user.id}`, { disabled: false } satisfies UserChanges);
    setNotice(t.userEnabledAgain(user.username));
    users.reload();
  });
  const done = (message?: string) => {
    setEditing(null);
    setNotice(message);
    users.reload();
    twoFactor.reload();
  };
  const enabledAdmins = users.data?.items.filter((u) => u.role === 'admin' && !u.disabled).length ?? 0;
  const columns: Column<UserView>[] = [
    {
      header: t.username,
      kind: 'title',
      cell: (u) => (
        <>
          <strong>{u.username}</strong>
          {u.id === currentUser.id && <span className="muted small"> ({t.you})</span>}
        </>
      ),
    },
    { header: t.role, cell: (u) => (u.role === 'admin' ? t.roleAdmin : t.roleViewer) },
    { header: t.state, cell: (u) => <StatusBadge status={u.disabled ? 'offline' : 'online'} label={u.disabled ? t.disabled : t.active} /> },
    { header: t.twoFactorColumn, cell: (u) => <TwoFactorCell state={twoFactorOf.get(u.id)} /> },
    { header: t.created, className: 'muted small', cell: (u) => dateTime(u.createdAt) },
    {
      header: t.actions,
      kind: 'actions',
      cell: (u) => (
        <>
          <UserActions user={u} locked={lockReason(t, u, currentUser, enabledAdmins)} enabling={enable.busy} onEdit={(what) => setEditing({ user: u, what })} onEnable={() => void enable.run(u)} />
          <TwoFactorActions user={u} state={twoFactorOf.get(u.id)} busy={setRequired.busy} onRequire={(required) => void setRequired.run(u, required)} onReset={() => setEditing({ user: u, what: 'reset-two-factor' })} />
        </>
      ),
    },
  ];

  return (
    <section className="page">
      <PageHeader title={t.navUsers} />
      {notice && (
        <p className="notice-bar" role="status">
          {notice}
        </p>
      )}
      {reset && (
        <SecretOnce title={t.newPasswordOf(reset.user.username)} onDone={() => setReset(null)}>
          <CopyField label={t.newPassword} value={reset.password ?? ''} />
        </SecretOnce>
      )}
      <InlineError error={enable.error} />
      <InlineError error={setRequired.error} />
      <Loaded resource={users}>
        {({ items }) => <DataTable label={t.navUsers} columns={columns} rows={items} empty={<Empty title={t.noUsers} />} rowAttributes={(u) => ({ 'data-user': u.username })} />}
      </Loaded>
      {editing?.what === 'role' && <RoleDialog user={editing.user} onClose={() => setEditing(null)} onSaved={(u) => done(t.userNowRole(u.username, u.role === 'admin'))} />}
      {editing?.what === 'disable' && <DisableDialog user={editing.user} onClose={() => setEditing(null)} onDisabled={(u) => done(t.userDisabled(u.username))} />}
      {editing?.what === 'reset-two-factor' && <ResetTwoFactorDialog user={editing.user} onClose={() => setEditing(null)} onReset={(u) => done(t.twoFactorWasReset(u.username))} />}
      {editing?.what === 'sessions' && <UserSessionsDialog user={editing.user} onClose={() => setEditing(null)} />}
      {editing?.what === 'password' && (
        <PasswordDialog
          user={editing.user}
          self={editing.user.id === currentUser.id}
          onClose={() => setEditing(null)}
          onReset={(result) => {
            done(result.password ? undefined : t.passwordChanged(result.user.username));
            if (result.password) setReset(result);
          }}
        />
      )}
      <section className="card card-pad stack" aria-label={t.newUser}>
        <h2>{t.newUser}</h2>
        <NewUserForm onCreated={users.reload} />
      </section>
    </section>
  );
}

/** Why `user` may not be disabled or demoted, if they may not. */
function lockReason(t: Dictionary, user: UserView, currentUser: SessionUser, enabledAdmins: number): string | undefined {
  if (user.id === currentUser.id) return t.cannotDemoteSelf;
  if (user.role === 'admin' && !user.disabled && enabledAdmins <= 1) return t.lastAdmin;
  return undefined;
}

function UserActions({ user, locked, enabling, onEdit, onEnable }: { user: UserView; locked: string | undefined; enabling: boolean; onEdit: (what: Editing['what']) => void; onEnable: () => void }) {
  const t = useT();
  return (
    <>
      <button type="button" className="small" onClick={() => onEdit('role')} disabled={Boolean(locked) && user.role === 'admin'} title={user.role === 'admin' ? locked : undefined} aria-label={t.changeRoleOf(user.username)}>
        {t.changeRole}
      </button>
      <button type="button" className="small" onClick={() => onEdit('password')} aria-label={t.resetPasswordOf(user.username)}>
        {t.resetPassword}
      </button>
      <button type="button" className="small" onClick={() => onEdit('sessions')} aria-label={t.showSessionsOf(user.username)}>
        {t.sessions}
      </button>
      {user.disabled ? (
        <button type="button" className="small" onClick={onEnable} disabled={enabling} aria-label={t.enableUser(user.username)}>
          {t.enable}
        </button>
      ) : (
        <button type="button" className="small danger" onClick={() => onEdit('disable')} disabled={Boolean(locked)} title={locked} aria-label={t.disableUser(user.username)}>
          {t.disable}
        </button>
      )}
    </>
  );
}

function TwoFactorCell({ state }: { state: UserTwoFactorView | undefined }) {
  const t = useT();
  if (!state) return null;
  return (
    <span data-two-factor={state.enabled ? 'on' : 'off'}>
      <StatusBadge status={state.enabled ? 'online' : 'unknown'} label={state.enabled ? t.twoFactorOn : t.twoFactorOff} />
      {(state.required || state.requiredByPolicy) && (
        <span className="muted small" title={state.requiredByPolicy ? t.requiredByAdminSetting : undefined}>
          {' '}
          · {t.twoFactorRequired}
        </span>
      )}
    </span>
  );
}

/** Require two-factor sign-in of a user (or stop requiring it), and reset it for one who lost their device. */
function TwoFactorActions({ user, state, busy, onRequire, onReset }: { user: UserView; state: UserTwoFactorView | undefined; busy: boolean; onRequire: (required: boolean) => void; onReset: () => void }) {
  const t = useT();
  if (!state) return null;
  return (
    <>
      <button
        type="button"
        className="small"
        onClick={() => onRequire(!state.required)}
        disabled={busy}
        aria-label={state.required ? t.stopRequiringTwoFactorOf(user.username) : t.requireTwoFactorOf(user.username)}
        aria-pressed={state.required}
      >
        {state.required ? t.stopRequiringTwoFactor : t.requireTwoFactor}
      </button>
      {state.enabled && (
        <button type="button" className="small danger" onClick={onReset} aria-label={t.resetTwoFactorOf(user.username)}>
          {t.resetTwoFactor}
        </button>
      )}
    </>
  );
}

function ResetTwoFactorDialog({ user, onClose, onReset }: { user: UserView; onClose: () => void; onReset: (user: UserView) => void }) {
  const t = useT();
  const reset = useAction(async () => {
    await api.delete(`/api/v1/users/${user.id}/two-factor`);
    return true;
  });
  return (
    <ConfirmDialog
      title={t.resetTwoFactorOf(user.username)}
      open
      confirmLabel={t.resetTwoFactor}
      danger
      busy={reset.busy}
      error={reset.error}
      onClose={onClose}
      onConfirm={async () => {
        if (await reset.run()) onReset(user);
      }}
    >
      <p>{t.resetTwoFactorDetail(user.username)}</p>
    </ConfirmDialog>
  );
}

function RoleDialog({ user, onClose, onSaved }: { user: UserView; onClose: () => void; onSaved: (user: UserView) => void }) {
  const t = useT();
  const [role, setRole] = useState<UserRole>(user.role);
  const save = useAction(() => api.patch<UserView>(`/api/v1/users/${user.id}`, { role } satisfies UserChanges));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const saved = await save.run();
    if (saved) onSaved(saved);
  };
  return (
    <Dialog title={t.roleOf(user.username)} open onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <fieldset className="choices">
          <legend className="visually-hidden">{t.role}</legend>
          <label className="choice">
            <input type="radio" name="role" value="admin" checked={role === 'admin'} onChange={() => setRole('admin')} />
            <span>
              <strong>{t.roleAdminCap}</strong>
              <span className="muted small">{t.roleAdminHint}</span>
            </span>
          </label>
          <label className="choice">
            <input type="radio" name="role" value="viewer" checked={role === 'viewer'} onChange={() => setRole('viewer')} />
            <span>
              <strong>{t.roleViewerCap}</strong>
              <span className="muted small">{t.roleViewerHint}</span>
            </span>
          </label>
        </fieldset>
        <InlineError error={save.error} />
        <div className="actions">
          <button type="button" onClick={onClose}>
            {t.cancel}
          </button>
          <button type="submit" className="primary" disabled={save.busy || role === user.role}>
            {save.busy ? t.saving : t.saveRole}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function DisableDialog({ user, onClose, onDisabled }: { user: UserView; onClose: () => void; onDisabled: (user: UserView) => void }) {
  const t = useT();
  const disable = useAction(() => api.patch<UserView>(`/api/v1/users/${user.id}`, { disabled: true } satisfies UserChanges));
  return (
    <ConfirmDialog
      title={t.disableUserQ(user.username)}
      open
      confirmLabel={t.disableUserButton}
      danger
      busy={disable.busy}
      error={disable.error}
      onClose={onClose}
      onConfirm={async () => {
        const saved = await disable.run();
        if (saved) onDisabled(saved);
      }}
    >
      <p>{t.disableUserDetail(user.username)}</p>
    </ConfirmDialog>
  );
}

function PasswordDialog({ user, self, onClose, onReset }: { user: UserView; self: boolean; onClose: () => void; onReset: (result: PasswordReset) => void }) {
  const t = useT();
  const [password, setPassword] = useState('');
  const reset = useAction(() => api.post<PasswordReset>(`/api/v1/users/${user.id}/password`, password ? { password } : {}));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await reset.run();
    if (result) onReset(result);
  };
  return (
    <Dialog title={t.resetPasswordOf(user.username)} open onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <p>{t.resetPasswordDetail(self ? null : user.username)}</p>
        <label>
          {t.newPassword}
          <input value={password} onChange={(e) => setPassword(e.target.value)} type="password" autoComplete="new-password" minLength={8} maxLength={1024} placeholder={t.leaveEmptyToGenerate} />
        </label>
        <p className="hint">{t.generatedShownOnce}</p>
        <InlineError error={reset.error} />
        <div className="actions">
          <button type="button" onClick={onClose}>
            {t.cancel}
          </button>
          <button type="submit" className="primary" disabled={reset.busy}>
            {reset.busy ? t.resetting : password ? t.setPassword : t.generatePassword}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function NewUserForm({ onCreated }: { onCreated: () => void }) {
  const t = useT();
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
    <ActionForm label={t.newUser} submit={t.createUser} busy={create.busy} error={create.error} onSubmit={() => void create.run()}>
      <label>
        {t.username}
        <input value={username} onChange={(e) => setUsername(e.target.value)} required autoComplete="off" />
      </label>
      <label>
        {t.password}
        <input value={password} onChange={(e) => setPassword(e.target.value)} required minLength={8} type="password" autoComplete="new-password" />
      </label>
      <label>
        {t.role}
        <select value={role} onChange={(e) => setRole(e.target.value as UserRole)}>
          <option value="viewer">{t.roleViewer}</option>
          <option value="admin">{t.roleAdmin}</option>
        </select>
      </label>
    </ActionForm>
  );
}
