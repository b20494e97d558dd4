import type { DaemonView, List, ServerFacets } from '@pharos/protocol';
import { useCallback, useMemo, useState } from 'react';
import { useDebounced, useElementWidth, useNow } from '../../app/hooks';
import { useQueryParam } from '../../app/router';
import { useApi } from '../../app/useApi';
import { PageHeader } from '../../components/PageHeader';
import { Empty, ErrorState, Loading } from '../../components/States';
import { VirtualList } from '../../components/VirtualList';
import { DaemonStrip } from './DaemonStrip';
import { FleetSummary } from './FleetSummary';
import { ServerRow } from './ServerRow';
import { useServerPages } from './useServerPages';
import { useSparklines } from './useSparklines';

const SORTS = [
  { value: 'name', label: 'Name' },
  { value: 'status', label: 'Status' },
  { value: 'lastSeenAt', label: 'Last seen' },
  { value: 'createdAt', label: 'Added' },
] as const;

/**
 * Which columns the table has room for (its width in px), dropping the least needed first:
 * the source, then network, then disk; below that, each server is a two-line card. The
 * thresholds are the sums of the columns' minimum widths in styles.css (.fleet-table).
 */
function fleetColumns(width: number): 'all' | 'no-source' | 'no-network' | 'no-disk' | 'compact' {
  if (width >= 1020) return 'all';
  if (width >= 915) return 'no-source';
  if (width >= 750) return 'no-network';
  if (width >= 640) return 'no-disk';
  return 'compact';
}

/** Every server of the fleet (agents and Ithiltir nodes) and every Lightd daemon, live. */
export function FleetPage() {
  const [search, setSearch] = useQueryParam('q');
  const [status, setStatus] = useQueryParam('status');
  const [source, setSource] = useQueryParam('source');
  const [group, setGroup] = useQueryParam('group');
  const [tag, setTag] = useQueryParam('tag');
  const [sort, setSort] = useQueryParam('sort', 'name');
  const [order, setOrder] = useQueryParam('order', 'asc');
  const [page, width] = useElementWidth<HTMLElement>();
  const columns = fleetColumns(width);
  const compact = columns === 'compact';
  const now = useNow(5000);
  const settledSearch = useDebounced(search.trim(), 250);

  const query = useMemo(() => {
    const params = new URLSearchParams();
    if (settledSearch) params.set('search', settledSearch);
    for (const [k, v] of [['status', status], ['source', source], ['group', group], ['tag', tag]] as const) if (v) params.set(k, v);
    params.set('sort', sort);
    params.set('order', order);
    return params.toString();
  }, [settledSearch, status, source, group, tag, sort, order]);

  const pages = useServerPages(query);
  const facets = useApi<ServerFacets>('/api/v1/servers/facets', { refreshMs: 60_000 }).data;
  const daemons = useApi<List<DaemonView>>('/api/v1/lightd/daemons', { refreshMs: 15_000 }).data?.items;

  const [visible, setVisible] = useState<[number, number]>([0, 0]);
  const { show } = pages;
  const onRange = useCallback(
    (start: number, end: number) => {
      setVisible([start, end]);
      show(start, end);
    },
    [show],
  );
  const visibleIds: string[] = [];
  for (let i = visible[0]; i < visible[1]; i++) {
    const s = pages.server(i);
    if (s) visibleIds.push(s.id);
  }
  const sparklines = useSparklines(visibleIds);

  const filtered = Boolean(search || status || source || group || tag);
  const clear = () => {
    setSearch('');
    setStatus('');
    setSource('');
    setGroup('');
    setTag('');
  };
  const sortBy = (value: string) => {
    if (sort === value) setOrder(order === 'asc' ? 'desc' : 'asc');
    else {
      setSort(value);
      setOrder(value === 'lastSeenAt' || value === 'createdAt' ? 'desc' : 'asc');
    }
  };
  const header = (value: string, label: string, cell: string) => (
    <button type="button" className={`th ${cell}${sort === value ? ' sorted' : ''}`} onClick={() => sortBy(value)} aria-sort={sort === value ? (order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      {label}
      {sort === value && <span aria-hidden>{order === 'asc' ? ' ▲' : ' ▼'}</span>}
    </button>
  );

  return (
    <section className="page page-fill" ref={page}>
      <PageHeader title="Fleet">
        <span className="subtitle">Live · lines show the last 15 minutes</span>
      </PageHeader>
      <FleetSummary daemons={daemons} onStatus={setStatus} />
      {daemons && <DaemonStrip daemons={daemons} />}

      <div className="filters" role="search">
        <input type="search" placeholder="Search name or hostname" aria-label="Search servers" value={search} onChange={(e) => setSearch(e.target.value)} />
        <select aria-label="Status" value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">Any status</option>
          <option value="online">Online</option>
          <option value="offline">Offline</option>
          <option value="unknown">Never seen</option>
        </select>
        <select aria-label="Source" value={source} onChange={(e) => setSource(e.target.value)}>
          <option value="">Any source</option>
          <option value="agent">Agents</option>
          <option value="ithiltir">Ithiltir nodes</option>
          <option value="lightd">Lightd daemons</option>
        </select>
        <select aria-label="Group" value={group} onChange={(e) => setGroup(e.target.value)}>
          <option value="">Any group</option>
          {facets?.groups.map((g) => (
            <option key={g}>{g}</option>
          ))}
        </select>
        <select aria-label="Tag" value={tag} onChange={(e) => setTag(e.target.value)}>
          <option value="">Any tag</option>
          {facets?.tags.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
        {compact && (
          <select aria-label="Sort by" value={sort} onChange={(e) => sortBy(e.target.value)}>
            {SORTS.map((s) => (
              <option key={s.value} value={s.value}>
                Sort: {s.label}
              </option>
            ))}
          </select>
        )}
        {filtered && (
          <button type="button" className="ghost" onClick={clear}>
            Clear filters
          </button>
        )}
        <span className="muted small filters-count" aria-live="polite">
          {pages.total === null ? '' : `${pages.total} server${pages.total === 1 ? '' : 's'}`}
        </span>
      </div>

      {pages.error !== undefined && pages.total === null ? (
        <ErrorState error={pages.error} onRetry={pages.reload} />
      ) : pages.total === null ? (
        <Loading label="Loading servers…" />
      ) : pages.total === 0 ? (
        filtered ? (
          <Empty title="No server matches these filters">
            <button type="button" onClick={clear}>
              Clear filters
            </button>
          </Empty>
        ) : (
          <Empty title="No servers yet">Create an Ithiltir node or an agent under Credentials and start it: it appears here within seconds.</Empty>
        )
      ) : (
        <div className="fleet-table" role="table" aria-label="Servers" aria-rowcount={pages.total} data-columns={columns}>
          {!compact && (
            <div className="fleet-head" role="row">
              {header('status', 'Status', 'c-status')}
              {header('name', 'Name', 'c-name')}
              <span className="th c-source">Source</span>
              <span className="th c-cpu">CPU</span>
              <span className="th c-mem">Memory</span>
              <span className="th c-disk">Disk</span>
              <span className="th c-net">Network</span>
              {header('lastSeenAt', 'Last seen', 'c-seen')}
            </div>
          )}
          <VirtualList
            count={pages.total}
            rowHeight={compact ? 76 : 52}
            onRangeChange={onRange}
            ariaLabel="Server rows"
            renderRow={(i) => {
              const server = pages.server(i);
              return <ServerRow server={server} lines={server ? sparklines(server.id) : undefined} compact={compact} now={now} />;
            }}
          />
        </div>
      )}
    </section>
  );
}
