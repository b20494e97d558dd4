import { memo } from 'react';
import { Link } from '../../app/router';
import { AlertBadge, StatusBadge } from '../../components/Status';
import { ago } from '../../format/time';
import { useT } from '../../i18n/i18n';
import { FleetMetric, type ServerRowProps, sourceWord } from './ServerRow';

/**
 * A server as a card of the grid view (large screens): the same facts as its table row, with
 * room for wider lines of its last quarter hour.
 */
export const ServerCard = memo(function ServerCard({ server, lines, now, sparkWidth, selection }: Omit<ServerRowProps, 'layout'>) {
  const t = useT();
  if (!server) return <div className="server-card card placeholder" aria-hidden />;
  const stale = server.status !== 'online';
  return (
    <article className={`server-card card status-row-${server.status}`} data-server={server.name} aria-label={server.name}>
      <header className="server-card-head">
        {selection && (
          <input type="checkbox" className="row-select" checked={selection.selected} onChange={() => selection.toggle(server)} aria-label={t.selectServer(server.name)} />
        )}
        <Link href={`/servers/${server.id}`} className="row-link truncate">
          <strong>{server.name}</strong>
        </Link>
        <AlertBadge critical={server.alerts.critical} warning={server.alerts.warning} />
        <span className="spacer" />
        <StatusBadge status={server.status} />
      </header>
      <p className="muted small truncate">
        {[sourceWord(t, server.source), server.hostname, server.group, ...server.tags.map((tag) => `#${tag}`)].filter(Boolean).join(' · ')} · {ago(server.lastSeenAt, now)}
      </p>
      <div className="server-card-metrics">
        {(['cpu', 'mem', 'disk', 'net'] as const).map((measure) => (
          <FleetMetric key={measure} measure={measure} lines={lines} stale={stale} width={sparkWidth} labelled />
        ))}
      </div>
    </article>
  );
});
