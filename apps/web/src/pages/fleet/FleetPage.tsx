import type { DaemonView, List, ServerFacets, ServerListItem, ServerSort } from '@pharos/protocol';
import { type ReactNode, useCallback, useMemo, useState } from 'react';
import { useDebounced, useElementWidth, useNow } from '../../app/hooks';
import { useQueryParam } from '../../app/router';
import { useApi } from '../../app/useApi';
import { PageHeader } from '../../components/PageHeader';
import { Segmented } from '../../components/Segmented';
import { Empty, ErrorState, Loading } from '../../components/States';
import { VirtualList } from '../../components/VirtualList';
import type { Dictionary } from '../../i18n/en';
import { useT } from '../../i18n/i18n';
import { BulkActions } from './BulkActions';
import { DaemonStrip } from './DaemonStrip';
import { FiringAlertsPanel } from './FiringAlertsPanel';
import { FleetSummary } from './FleetSummary';
import { GroupedFleet } from './GroupedFleet';
import { ServerCard } from './ServerCard';
import { ServerRow } from './ServerRow';
import { useServerPages } from './useServerPages';
import { useSparklines } from './useSparklines';

const SORTS: ServerSort[] = ['trouble', 'name', 'status', 'lastSeenAt', 'createdAt'];
type View = 'table' | 'cards';
type GroupBy = '' | 'tag' | 'group';

export function sortWords(t: Dictionary): Record<ServerSort, string> {
  return { trouble: t.sortTrouble, name: t.sortName, status: t.sortStatus, lastSeenAt: t.sortLastSeen, createdAt: t.sortAdded };
}

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

/** Cards of the grid view: as many across as fit at this width, at least this wide. */
const CARD_MIN_WIDTH = 300;
const CARD_HEIGHT = 156;

/**
 * Every server of the fleet (agents and Ithiltir nodes) and every Lightd daemon, live, with
 * trouble first: offline servers, then those with alerts firing, then those never seen.
 */
export function FleetPage({ isAdmin }: { isAdmin: boolean }) {
  const t = useT();
  const [search, setSearch] = useQueryParam('q');
  const [status, setStatus] = useQueryParam('status');
  const [source, setSource] = useQueryParam('source');
  const [group, setGroup] = useQueryParam('group');
  const [tag, setTag] = useQueryParam('tag');
  const [sort, setSort] = useQueryParam('sort', 'trouble');
  const [order, setOrder] = useQueryParam('order', 'asc');
  const [view, setView] = useQueryParam('view', 'table');
  const [groupBy, setGroupBy] = useQueryParam('by', '');
  const [page, width] = useElementWidth<HTMLElement>();
  const columns = fleetColumns(width);
  const compact = columns === 'compact';
  // Cards need room: on a phone the table's own compact rows are the cards.
  const cards = view === 'cards' && !compact;
  const now = useNow(5000);
  const settledSearch = useDebounced(search.trim(), 250);
  const [selected, setSelected] = useState(() => new Map<string, ServerListItem>());

  const query = useMemo(() => {
    const params = new URLSearchParams();
    if (settledSearch) params.set('search', settledSearch);
    for (const [k, v] of [['status', status], ['source', source], ['group', group], ['tag', tag]] as const) if (v) params.set(k, v);
    params.set('sort', sort);
    params.set('order', order);
    return params.toString();
  }, [settledSearch, status, source, group, tag, sort, order]);

  const pages = useServerPages(query);
  // The rows come first: what else the page shows is asked for once they are on their way back.
  const started = pages.total !== null || pages.error !== undefined;
  const facets = useApi<ServerFacets>(started ? '/api/v1/servers/facets' : null, { refreshMs: 60_000 }).data;
  const daemons = useApi<List<DaemonView>>(started ? '/api/v1/lightd/daemons' : null, { refreshMs: 15_000 }).data?.items;

  const perRow = cards ? Math.max(1, Math.floor((width + 12) / (CARD_MIN_WIDTH + 12))) : 1;
  const [visible, setVisible] = useState<[number, number]>([0, 0]);
  const { show } = pages;
  const onRange = useCallback(
    (start: number, end: number) => {
      setVisible([start * perRow, end * perRow]);
      show(start * perRow, end * perRow);
    },
    [show, perRow],
  );
  const visibleServers: ServerListItem[] = [];
  for (let i = visible[0]; i < visible[1]; i++) {
    const s = pages.server(i);
    if (s) visibleServers.push(s);
  }
  const sparklines = useSparklines(visibleServers.map((s) => s.id));

  const toggle = useCallback((server: ServerListItem) => {
    setSelected((current) => {
      const next = new Map(current);
      if (next.has(server.id)) next.delete(server.id);
      else next.set(server.id, server);
      return next;
    });
  }, []);
  const allVisibleSelected = visibleServers.length > 0 && visibleServers.every((s) => selected.has(s.id));
  const selectVisible = () =>
    setSelected((current) => {
      const next = new Map(current);
      for (const s of visibleServers) {
        if (allVisibleSelected) next.delete(s.id);
        else next.set(s.id, s);
      }
      return next;
    });
  const selection = (server: ServerListItem | undefined) => (isAdmin && server ? { selected: selected.has(server.id), toggle } : undefined);
  const sparkWidth = cards ? Math.max(80, Math.floor((width - (perRow - 1) * 12) / perRow / 2) - 70) : compact ? 64 : width >= 1180 ? 80 : 60;

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
  const words = sortWords(t);
  const header = (value: ServerSort, label: string, cell: string, extra?: ReactNode) => (
    <div role="columnheader" className={`th ${cell}${sort === value ? ' sorted' : ''}`} aria-sort={sort === value ? (order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      {extra}
      <button type="button" className="th-button" onClick={() => sortBy(value)} aria-label={t.sortByColumn(label)}>
        {label}
        {sort === value && <span aria-hidden>{order === 'asc' ? ' ▲' : ' ▼'}</span>}
      </button>
    </div>
  );
  const plainHeader = (label: string, cell: string) => (
    <div role="columnheader" className={`th ${cell}`}>
      {label}
    </div>
  );

  const list = () => {
    if (pages.error !== undefined && pages.total === null) return <ErrorState error={pages.error} onRetry={pages.reload} />;
    if (pages.total === null) return <Loading label={t.loadingServers} />;
    if (pages.total === 0) {
      return filtered ? (
        <Empty title={t.noServerMatches}>
          <button type="button" onClick={clear}>
            {t.clearFilters}
          </button>
        </Empty>
      ) : (
        <Empty title={t.noServersYet}>{t.noServersYetHint}</Empty>
      );
    }
    if (cards) {
      return (
        <div className="fleet-grid" data-per-row={perRow}>
          <VirtualList
            count={Math.ceil(pages.total / perRow)}
            rowHeight={CARD_HEIGHT}
            onRangeChange={onRange}
            ariaLabel={t.servers}
            renderRow={(row) => (
              <div className="card-row" style={{ gridTemplateColumns: `repeat(${perRow}, minmax(0, 1fr))` }}>
                {Array.from({ length: perRow }, (_, k) => row * perRow + k)
                  .filter((i) => i < pages.total!)
                  .map((i) => {
                    const server = pages.server(i);
                    return <ServerCard key={k(i, perRow)} server={server} lines={server ? sparklines(server.id) : undefined} now={now} sparkWidth={sparkWidth} selection={selection(server)} />;
                  })}
              </div>
            )}
          />
        </div>
      );
    }
    return (
      <div className="fleet-table" data-columns={columns} {...(compact ? {} : { role: 'table', 'aria-label': t.servers, 'aria-rowcount': pages.total + 1 })}>
        {!compact && (
          <div className="fleet-head" role="row" aria-rowindex={1}>
            {header('status', t.colStatus, 'c-status')}
            {header(
              'name',
              t.colName,
              'c-name',
              isAdmin && <input type="checkbox" className="row-select" checked={allVisibleSelected} onChange={selectVisible} aria-label={t.selectShown} />,
            )}
            {plainHeader(t.colSource, 'c-source')}
            {plainHeader(t.colCpu, 'c-cpu')}
            {plainHeader(t.colMemory, 'c-mem')}
            {plainHeader(t.colDisk, 'c-disk')}
            {plainHeader(t.colNetwork, 'c-net')}
            {header('lastSeenAt', t.colLastSeen, 'c-seen')}
          </div>
        )}
        <VirtualList
          count={pages.total}
          rowHeight={compact ? 76 : 54}
          onRangeChange={onRange}
          ariaLabel={compact ? t.servers : t.serverRows}
          semantics={compact ? 'list' : 'table'}
          renderRow={(i) => {
            const server = pages.server(i);
            return <ServerRow server={server} lines={server ? sparklines(server.id) : undefined} layout={compact ? 'compact' : 'table'} now={now} sparkWidth={sparkWidth} selection={selection(server)} />;
          }}
        />
      </div>
    );
  };

  return (
    <section className="page page-fill" ref={page}>
      <PageHeader title={t.navFleet}>
        <span className="subtitle">{t.fleetSubtitle}</span>
      </PageHeader>
      <FleetSummary enabled={started} daemons={daemons} onStatus={setStatus} onTrouble={() => setSort('trouble')} />
      <FiringAlertsPanel />
      {daemons && <DaemonStrip daemons={daemons} />}

      <div className="filters" role="search" aria-label={t.filterServers}>
        <input type="search" placeholder={t.searchPlaceholder} aria-label={t.searchServers} value={search} onChange={(e) => setSearch(e.target.value)} />
        <select aria-label={t.colStatus} value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="">{t.anyStatus}</option>
          <option value="online">{t.statusOnlineCap}</option>
          <option value="offline">{t.statusOfflineCap}</option>
          <option value="unknown">{t.statusUnknownCap}</option>
        </select>
        <select aria-label={t.colSource} value={source} onChange={(e) => setSource(e.target.value)}>
          <option value="">{t.anySource}</option>
          <option value="agent">{t.agents}</option>
          <option value="ithiltir">{t.ithiltirNodes}</option>
          <option value="lightd">{t.lightdDaemons}</option>
        </select>
        <select aria-label={t.group} value={group} onChange={(e) => setGroup(e.target.value)}>
          <option value="">{t.anyGroup}</option>
          {facets?.groups.map((g) => (
            <option key={g}>{g}</option>
          ))}
        </select>
        <select aria-label={t.tag} value={tag} onChange={(e) => setTag(e.target.value)}>
          <option value="">{t.anyTag}</option>
          {facets?.tags.map((tg) => (
            <option key={tg}>{tg}</option>
          ))}
        </select>
        <select aria-label={t.sortBy} value={sort} onChange={(e) => sortBy(e.target.value)}>
          {SORTS.map((s) => (
            <option key={s} value={s}>
              {t.sortOption(words[s])}
            </option>
          ))}
        </select>
        <select aria-label={t.groupBy} value={groupBy} onChange={(e) => setGroupBy(e.target.value as GroupBy)}>
          <option value="">{t.noGrouping}</option>
          <option value="tag">{t.groupByTag}</option>
          <option value="group">{t.groupByGroup}</option>
        </select>
        {!compact && !groupBy && (
          <Segmented<View>
            ariaLabel={t.view}
            value={cards ? 'cards' : 'table'}
            onChange={setView}
            options={[
              { value: 'table', label: t.viewTable },
              { value: 'cards', label: t.viewCards },
            ]}
          />
        )}
        {filtered && (
          <button type="button" className="ghost" onClick={clear}>
            {t.clearFilters}
          </button>
        )}
        <span className="muted small filters-count" aria-live="polite">
          {pages.total === null ? '' : t.serverCount(pages.total)}
        </span>
      </div>

      {isAdmin && <BulkActions selected={[...selected.values()]} onClear={() => setSelected(new Map())} onDone={pages.reload} />}

      {groupBy ? (
        <GroupedFleet by={groupBy as 'tag' | 'group'} names={(groupBy === 'tag' ? facets?.tags : facets?.groups) ?? []} query={query} now={now} selection={selection} onShowAll={(name) => (groupBy === 'tag' ? setTag(name) : setGroup(name))} />
      ) : (
        list()
      )}
    </section>
  );
}

/** A card's key: its place in the row, so scrolling hands a mounted card a new server. */
function k(index: number, perRow: number): number {
  return index % perRow;
}
