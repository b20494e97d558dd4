import type { ContainerView, DaemonDetailView, Page } from '@pharos/protocol';
import { useNow } from '../../app/hooks';
import { useApi } from '../../app/useApi';
import { Breadcrumb } from '../../components/Breadcrumb';
import { PageHeader } from '../../components/PageHeader';
import { Loaded, LoadedPage } from '../../components/States';
import { ago, dateTime } from '../../format/time';
import { useT } from '../../i18n/i18n';
import { ContainerTable } from './ContainerTable';
import { RemoteTokenPanel } from './RemoteTokenPanel';
import { UsagePanel } from './UsagePanel';

/** One Lightd daemon: its state, remote token, containers, and their usage summed (latest and charted). */
export function DaemonPage({ id, isAdmin }: { id: string; isAdmin: boolean }) {
  const t = useT();
  const daemon = useApi<DaemonDetailView>(`/api/v1/lightd/daemons/${id}`, { refreshMs: 10_000 });
  const containers = useApi<Page<ContainerView>>(`/api/v1/lightd/daemons/${id}/containers?limit=200`, { refreshMs: 10_000 });
  const now = useNow(5000);
  return (
    <LoadedPage resource={daemon} title={t.daemon} back={{ href: '/lightd', label: t.backToLightd }}>
      {(d) => (
        <section className="page">
          <Breadcrumb trail={[{ href: '/lightd', label: t.navLightd }]} current={d.name} />
          <PageHeader title={d.name} status={d.status} />
          <dl className="kv card card-pad">
            <dt>{t.api}</dt>
            <dd>{d.apiUrl}</dd>
            <dt>{t.apiToken}</dt>
            <dd>{d.hasApiToken ? t.apiTokenSet : t.apiTokenNotSet}</dd>
            <dt>{t.colLastSeen}</dt>
            <dd title={dateTime(d.lastSeenAt)}>{ago(d.lastSeenAt, now)}</dd>
          </dl>
          <RemoteTokenPanel daemon={d} isAdmin={isAdmin} now={now} onChanged={daemon.reload} />
          <UsagePanel source={{ serverId: d.serverId, of: 'daemon', entity: 'all' }} usage={d.usage.containers > 0 ? d.usage : null} running={d.usage.containers} />
          <h2>{t.containers}</h2>
          <Loaded resource={containers}>{({ items }) => <ContainerTable containers={items} now={now} showDaemon={false} />}</Loaded>
        </section>
      )}
    </LoadedPage>
  );
}
