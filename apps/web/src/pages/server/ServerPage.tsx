import type { DaemonView, List, LogEntryData, ServerView } from '@pharos/protocol';
import { lazy, Suspense, useState } from 'react';
import { useNow } from '../../app/hooks';
import { Link, useQueryParam } from '../../app/router';
import { useApi } from '../../app/useApi';
import { LogStream } from '../../components/logs/LogStream';
import { Tabs } from '../../components/Segmented';
import { Breadcrumb } from '../../components/Breadcrumb';
import { PageHeader } from '../../components/PageHeader';
import { LoadedPage } from '../../components/States';
import { LiveBadge } from '../../components/Status';
import { ago, dateTime } from '../../format/time';
import { useT } from '../../i18n/i18n';
import { sourceWord } from '../fleet/ServerRow';
import { AccessPanel } from './AccessPanel';
import { CommandPanel, DockerPanel } from './CommandPanel';
import { DiskUsage, LiveGauges } from './LiveGauges';
import { MetricsPanel, type Range, RANGES } from './MetricsPanel';
import { NodeFacts, useNodeDetail } from './NodeFacts';
import { ServerEditDialog } from './ServerEditDialog';
import { useLiveMetrics } from './useLiveMetrics';

/** xterm.js is loaded with the Terminal tab, not with every page. */
const TerminalPanel = lazy(() => import('./TerminalPanel').then((m) => ({ default: m.TerminalPanel })));

type Tab = 'overview' | 'logs' | 'commands' | 'docker' | 'terminal' | 'access';

/** One server: live numbers and charts, history, facts, its log, and what can be run on it. */
export function ServerPage({ id, isAdmin }: { id: string; isAdmin: boolean }) {
  const t = useT();
  const server = useApi<ServerView>(`/api/v1/servers/${id}`, { refreshMs: 15_000 });
  const [tab, setTab] = useQueryParam('tab', 'overview');
  const [rangeParam, setRange] = useQueryParam('range', '');
  const [editing, setEditing] = useState(false);
  const [commandEvents, setCommandEvents] = useState(0);
  const live = useLiveMetrics(id, server.data?.lastSeenAt);
  const node = useNodeDetail(server.data?.source === 'ithiltir' ? id : null);
  const now = useNow(5000);

  const isAgent = server.data?.source === 'agent';
  const isDaemon = server.data?.source === 'lightd';
  // Command results also arrive as log entries: refresh the command lists when one does.
  const onEntry = (entry: LogEntryData) => {
    if (entry.kind?.startsWith('command.') || entry.kind?.startsWith('docker.')) setCommandEvents((n) => n + 1);
  };

  return (
    <LoadedPage resource={server} title={t.server} back={{ href: '/', label: t.backToFleet }}>
      {(s) => {
        const online = s.status === 'online';
        // A server that is not reporting opens on its last day, where its samples are.
        const range = (RANGES as string[]).includes(rangeParam) ? (rangeParam as Range) : online ? 'live' : '24h';
        return (
          <section className="page">
            <Breadcrumb trail={[{ href: '/', label: t.navFleet }]} current={s.name} />
            <PageHeader title={s.name} status={s.status}>
              {online && <LiveBadge state={live.state} detail={live.detail} />}
              {isAdmin && (
                <button type="button" onClick={() => setEditing(true)}>
                  {t.edit}
                </button>
              )}
            </PageHeader>
            <div className="row muted small">
              <span>{sourceWord(t, s.source)}</span>
              {s.hostname && <span>· {s.hostname}</span>}
              {s.agentVersion && <span>· v{s.agentVersion}</span>}
              {s.group && <span className="tag">{s.group}</span>}
              {s.tags.map((tag) => (
                <span key={tag} className="tag">
                  #{tag}
                </span>
              ))}
              <span title={dateTime(s.lastSeenAt)}>· {t.lastSeen(ago(s.lastSeenAt, now))}</span>
            </div>

            {!online && (
              <div className="banner banner-bad" role="status">
                <strong>{s.status === 'offline' ? t.serverOffline : t.serverNeverSeen}</strong>{' '}
                {s.status === 'offline' ? t.serverOfflineDetail(ago(s.lastSeenAt, now), dateTime(s.statusChangedAt)) : t.serverNeverSeenDetail}
              </div>
            )}

            {live.alerts.length > 0 && (
              <div className="card card-pad alerts" role="alert">
                {live.alerts.map((a) => (
                  <div key={a.id} className={a.severity === 'critical' ? 'bad' : 'notice'}>
                    <strong>{a.severity === 'critical' ? t.critical : t.warning}:</strong> {a.message} <span className="muted small">{t.since(ago(a.timestamp, now))}</span>
                  </div>
                ))}
              </div>
            )}

            <Tabs<Tab>
              label={t.serverSections}
              value={tab as Tab}
              onChange={setTab}
              tabs={[
                { value: 'overview', label: t.tabOverview },
                { value: 'logs', label: t.tabLogs },
                { value: 'commands', label: t.tabCommands, hidden: !isAgent },
                { value: 'docker', label: t.tabDocker, hidden: !isAgent },
                { value: 'terminal', label: t.tabTerminal, hidden: !isAgent || !isAdmin },
                { value: 'access', label: isAgent ? t.tabApiKeys : t.tabSecret, hidden: !isAdmin || isDaemon },
              ]}
            />

            {tab === 'overview' && isDaemon && <DaemonServer serverId={id} />}
            {tab === 'overview' && !isDaemon && (
              <>
                <LiveGauges sample={live.latest} memoryTotal={node.data?.node.facts?.memoryTotal} staleSince={isStale(s, live.latest?.timestamp, live.latestIsLive, now) ? ago(live.latest?.timestamp ?? s.lastSeenAt, now) : undefined} />
                <MetricsPanel server={s} live={live} range={range} onRange={(r) => setRange(r)} />
                <div className="grid-2">
                  <DiskUsage sample={live.latest} />
                  {s.source === 'ithiltir' && <NodeFacts detail={node.data} error={node.error} />}
                </div>
              </>
            )}
            {tab === 'logs' && <LogStream subjectId={id} onEntry={onEntry} />}
            {tab === 'commands' && isAgent && <CommandPanel server={s} isAdmin={isAdmin} version={commandEvents} />}
            {tab === 'docker' && isAgent && <DockerPanel server={s} isAdmin={isAdmin} version={commandEvents} />}
            {tab === 'terminal' && isAgent && isAdmin && (
              <Suspense fallback={<p className="muted small">{t.terminalConnecting}</p>}>
                <TerminalPanel server={s} />
              </Suspense>
            )}
            {tab === 'access' && isAdmin && !isDaemon && <AccessPanel server={s} node={node.data} now={now} />}

            {editing && (
              <ServerEditDialog
                server={s}
                open
                onClose={() => setEditing(false)}
                onSaved={() => {
                  setEditing(false);
                  server.reload();
                }}
              />
            )}
          </section>
        );
      }}
    </LoadedPage>
  );
}

/**
 * Whether the newest values are old news: the server is not reporting, or what is shown is a
 * recorded sample older than a few of its report intervals (the socket has brought none yet).
 */
function isStale(server: ServerView, latestAt: string | undefined, latestIsLive: boolean, now: number): boolean {
  if (server.status !== 'online') return true;
  if (latestIsLive || !latestAt) return false;
  return now - Date.parse(latestAt) > 3 * server.reportIntervalSeconds * 1000;
}

/** A Lightd daemon's server holds its containers' usage: the daemon's page shows it. */
function DaemonServer({ serverId }: { serverId: string }) {
  const t = useT();
  const daemons = useApi<List<DaemonView>>('/api/v1/lightd/daemons');
  const daemon = daemons.data?.items.find((d) => d.serverId === serverId);
  return (
    <p className="card card-pad">
      {t.daemonServerNote}{' '}
      {daemon && <Link href={`/lightd/daemons/${daemon.id}`}>{t.openDaemon(daemon.name)}</Link>}
    </p>
  );
}
