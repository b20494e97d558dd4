import { useState } from 'react';
import { Link } from '../app/router';
import { useApi } from '../app/useApi';
import { Empty, ErrorState, Loading } from '../components/States';

interface ServerRow {
  id: string;
  name: string;
  source: 'agent' | 'ithiltir';
  group: string | null;
  tags: string[];
  status: 'unknown' | 'online' | 'offline';
  lastSeenAt: string | null;
  hostname: string | null;
}

export function FleetPage() {
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState('');
  const query = new URLSearchParams({ limit: '500', ...(search ? { search } : {}), ...(status ? { status } : {}) });
  const { data, error, loading, reload } = useApi<{ items: ServerRow[]; total: number }>(`/api/v1/servers?${query}`);

  return (
    <section>
      <header className="page-header">
        <h2>Fleet</h2>
        <div className="toolbar">
          <input type="search" placeholder="Search servers" aria-label="Search servers" value={search} onChange={(e) => setSearch(e.target.value)} />
          <select aria-label="Status" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">All statuses</option>
            <option value="online">Online</option>
            <option value="offline">Offline</option>
            <option value="unknown">Never seen</option>
          </select>
        </div>
      </header>
      {loading && !data ? (
        <Loading />
      ) : error ? (
        <ErrorState error={error} onRetry={reload} />
      ) : !data || data.items.length === 0 ? (
        <Empty title="No servers yet">Create a node or an agent key under Credentials, then start it.</Empty>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Status</th>
              <th>Name</th>
              <th>Source</th>
              <th>Group</th>
              <th>Last seen</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((s) => (
              <tr key={s.id}>
                <td>
                  <span className={`dot ${s.status}`} aria-label={s.status} /> {s.status}
                </td>
                <td>
                  <Link href={`/servers/${s.id}`}>{s.name}</Link>
                  {s.hostname && <div className="muted small">{s.hostname}</div>}
                </td>
                <td>{s.source}</td>
                <td>{s.group ?? '—'}</td>
                <td>{s.lastSeenAt ? new Date(s.lastSeenAt).toLocaleString() : 'never'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
