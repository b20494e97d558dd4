import { type FormEvent, useState } from 'react';
import { api, type SessionUser } from '../../api/client';
import type { UserView } from '../../api/types';
import { useAction, useApi } from '../../app/useApi';
import { StatusBadge } from '../../components/Status';
import { Empty, ErrorState, InlineError, Loading } from '../../components/States';
import { dateTime } from '../../format/time';

/** Every account, and a form to add one (admins only). */
export function UsersPage({ currentUser }: { currentUser: SessionUser }) {
  const users = useApi<{ items: UserView[] }>('/api/v1/users');
  return (
    <section className="page">
      <header className="page-header">
        <h2>Users</h2>
      </header>
      {users.loading && !users.data ? (
        <Loading />
      ) : !users.data ? (
        <ErrorState error={users.error} onRetry={users.reload} />
      ) : users.data.items.length === 0 ? (
        <Empty title="No users" />
      ) : (
        <div className="table-wrap">
          <table className="table" aria-label="Users">
            <thead>
              <tr>
                <th>Username</th>
                <th>Role</th>
                <th>State</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {users.data.items.map((u) => (
                <tr key={u.id}>
                  <td>
                    {u.username}
                    {u.id === currentUser.id && <span className="muted small"> (you)</span>}
                  </td>
                  <td>{u.role}</td>
                  <td>
                    <StatusBadge status={u.disabled ? 'offline' : 'online'} label={u.disabled ? 'disabled' : 'active'} />
                  </td>
                  <td className="muted small">{dateTime(u.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <section className="card card-pad stack" aria-label="New user">
        <h3>New user</h3>
        <NewUserForm onCreated={users.reload} />
      </section>
    </section>
  );
}

function NewUserForm({ onCreated }: { onCreated: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<'admin' | 'viewer'>('viewer');
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
          <input value={password} onChange={(e) => setPassword(e.target.value)} required type="password" autoComplete="new-password" />
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value as 'admin' | 'viewer')}>
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
