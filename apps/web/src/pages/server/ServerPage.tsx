import type { DaemonView, List, LogEntryData, ServerView } from '@pharos/protocol';
import { useState } from 'react';
import { useNow } from '../../app/hooks';
import { Link, useQueryParam } from '../../app/router';
import { useApi } from '../../app/useApi';
import { LogStream } from '../../components/logs/LogStream';
import { Tabs } from '../../components/Segmented';
import { Breadcrumb } from '../../components/Breadcrumb';
import { PageHeader } from '../../components/PageHeader';
import { Loaded } from '../../components/States';
import { LiveBadge } from '../../components/Status';
import { ago } from '../../format/time';
import { SOURCE_WORDS } from '../fleet/ServerRow';
import { AccessPanel } from './AccessPanel';
import { CommandPanel, DockerPanel } from './CommandPanel';
import { DiskUsage, LiveGauges } from './LiveGauges';
import { MetricsPanel } from './MetricsPanel';
import { NodeFacts, useNodeDetail } from './NodeFacts';
import { ServerEditDialog } from './ServerEditDialog';
import { useLiveMetrics } from './useLiveMetrics';

type Tab = 'overview' | 'logs' | 'commands' | 'docker' | 'access';

/** One server: live numbers and charts, history, facts, its log, and what can be run on it. */
export function ServerPage({ id, isAdmin }: { id: string; isAdmin: boolean }) {
  const server = useApi<ServerView>(`/api/v1/servers/${id}`, { refreshMs: 15_000 });
  const [tab, setTab] = useQueryParam('tab', 'overview');
  const [editing, setEditing] = useState(false);
  const [commandEvents, setCommandEvents] = useState(0);
  const live = useLiveMetrics(id);
  const node = useNodeDetail(server.data?.source === 'ithiltir' ? id : null);
  const now = useNow(5000);

  const isAgent = server.data?.source === 'agent';
  const isDaemon = server.data?.source === 'lightd';
  // Command results also arrive as log entries: refresh the command lists when one does.
  const onEntry = (entry: LogEntryData) => {
    if (entry.kind?.startsWith('command.') || entry.kind?.startsWith('docker.')) setCommandEvents((n) => n + 1);
  };

  return (
    <Loaded resource={server}>
      {(s) => (
        <section className="page">
          <Breadcrumb trail={[{ href: '/', label: 'Fleet' }]} current={s.name} />
          <PageHeader title={s.name} status={s.status}>
            <LiveBadge state={live.state} detail={live.detail} />
            {isAdmin && (
              <button type="button" onClick={() => setEditing(true)}>
                Edit
              </button>
            )}
          </PageHeader>
          <div className="row muted small">
            <span>{SOURCE_WORDS[s.source]}</span>
            {s.hostname && <span>· {s.hostname}</span>}
            {s.agentVersion && <span>· v{s.agentVersion}</span>}
            {s.group && <span className="tag">{s.group}</span>}
            {s.tags.map((t) => (
              <span key={t} className="tag">
                #{t}
              </span>
            ))}
            <span>· last seen {ago(s.lastSeenAt, now)}</span>
          </div>

          {live.alerts.length > 0 && (
            <div className="card card-pad alerts" role="alert">
              {live.alerts.map((a) => (
                <div key={a.id} className={a.severity === 'critical' ? 'bad' : 'notice'}>
                  <strong>{a.severity === 'critical' ? 'Critical' : 'Warning'}:</strong> {a.message} <span className="muted small">since {ago(a.timestamp, now)}</span>
                </div>
              ))}
            </div>
          )}

          <Tabs<Tab>
            value={tab as Tab}
            onChange={setTab}
            tabs={[
              { value: 'overview', label: 'Overview' },
              { value: 'logs', label: 'Logs' },
              { value: 'commands', label: 'Commands', hidden: !isAgent },
              { value: 'docker', label: 'Docker', hidden: !isAgent },
              { value: 'access', label: isAgent ? 'API keys' : 'Secret', hidden: !isAdmin || isDaemon },
            ]}
          />

          {tab === 'overview' && isDaemon && <DaemonServer serverId={id} />}
          {tab === 'overview' && !isDaemon && (
            <>
              <LiveGauges sample={live.latest} memoryTotal={node.data?.node.facts?.memoryTotal} />
              <MetricsPanel serverId={id} live={live} />
              <div className="grid-2">
                <DiskUsage sample={live.latest} />
                {s.source === 'ithiltir' && <NodeFacts detail={node.data} error={node.error} />}
              </div>
            </>
          )}
          {tab === 'logs' && <LogStream subjectId={id} onEntry={onEntry} />}
          {tab === 'commands' && isAgent && <CommandPanel server={s} isAdmin={isAdmin} version={commandEvents} />}
          {tab === 'docker' && isAgent && <DockerPanel server={s} isAdmin={isAdmin} version={commandEvents} />}
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
      )}
    </Loaded>
  );
}

/** A Lightd daemon's server holds its containers' usage: the daemon's page shows it. */
function DaemonServer({ serverId }: { serverId: string }) {
  const daemons = useApi<List<DaemonView>>('/api/v1/lightd/daemons');
  const daemon = daemons.data?.items.find((d) => d.serverId === serverId);
  return (
    <p className="card card-pad">
      This server stands for a Lightd daemon: its history is its containers' usage.{' '}
      {daemon && <Link href={`/lightd/daemons/${daemon.id}`}>Open {daemon.name}</Link>}
    </p>
  );
}
