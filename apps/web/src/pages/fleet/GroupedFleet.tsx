import type { Page, ServerListItem } from '@pharos/protocol';
import { useApi } from '../../app/useApi';
import { Link } from '../../app/router';
import { Empty, Loaded } from '../../components/States';
import { AlertBadge, StatusBadge } from '../../components/Status';
import { ago } from '../../format/time';
import { useT } from '../../i18n/i18n';

/** Servers shown per section; the rest are one click away, in the list filtered by it. */
const PER_GROUP = 25;
const REFRESH_MS = 15_000;

export interface GroupedFleetProps {
  by: 'tag' | 'group';
  /** The tags (or groups) in use. */
  names: string[];
  /** The list's other filters and order, as the servers API takes them. */
  query: string;
  now: number;
  selection: (server: ServerListItem | undefined) => { selected: boolean; toggle: (server: ServerListItem) => void } | undefined;
  onShowAll: (name: string) => void;
}

/**
 * The fleet by tag (or group): one section each, its servers trouble first, so a team sees
 * its own machines together. A server with several tags is in each of their sections.
 */
export function GroupedFleet({ by, names, query, now, selection, onShowAll }: GroupedFleetProps) {
  const t = useT();
  if (names.length === 0) return <Empty title={by === 'tag' ? t.noTagsYet : t.noGroupsYet}>{t.noTagsHint}</Empty>;
  return (
    <div className="groups">
      {names.map((name) => (
        <GroupSection key={name} by={by} name={name} query={query} now={now} selection={selection} onShowAll={onShowAll} />
      ))}
    </div>
  );
}

function GroupSection({ by, name, query, now, selection, onShowAll }: Omit<GroupedFleetProps, 'names'> & { name: string }) {
  const t = useT();
  const params = new URLSearchParams(query);
  params.set(by, name);
  params.set('limit', String(PER_GROUP));
  const servers = useApi<Page<ServerListItem>>(`/api/v1/servers?${params.toString()}`, { refreshMs: REFRESH_MS });
  const items = servers.data?.items ?? [];
  const troubled = items.filter((s) => s.status === 'offline' || s.alerts.critical + s.alerts.warning > 0).length;
  const headingId = `group-${by}-${name}`.replace(/[^A-Za-z0-9_-]/g, '_');
  return (
    <section className="card group-section" aria-labelledby={headingId}>
      <header className="group-head">
        <h2 id={headingId}>{by === 'tag' ? `#${name}` : name}</h2>
        <span className="muted small">{servers.data ? t.serverCount(servers.data.total) : ''}</span>
        {troubled > 0 && <span className="alert-badge critical">{t.needAttention(troubled)}</span>}
        <span className="spacer" />
        {servers.data && servers.data.total > items.length && (
          <button type="button" className="small" onClick={() => onShowAll(name)}>
            {t.showAllN(servers.data.total)}
          </button>
        )}
      </header>
      <Loaded resource={servers}>
        {() => (
          <ul className="plain-list group-list">
            {items.map((s) => {
              const select = selection(s);
              return (
                <li key={s.id} className={`group-item status-row-${s.status}`} data-server={s.name}>
                  {select && <input type="checkbox" className="row-select" checked={select.selected} onChange={() => select.toggle(s)} aria-label={t.selectServer(s.name)} />}
                  <StatusBadge status={s.status} />
                  <Link href={`/servers/${s.id}`} className="truncate">
                    {s.name}
                  </Link>
                  <AlertBadge critical={s.alerts.critical} warning={s.alerts.warning} />
                  <span className="spacer" />
                  <span className="muted small">{ago(s.lastSeenAt, now)}</span>
                </li>
              );
            })}
          </ul>
        )}
      </Loaded>
    </section>
  );
}
