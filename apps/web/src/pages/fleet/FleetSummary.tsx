import type { DaemonView, ServerPage } from '@pharos/protocol';
import { useFiringAlerts } from '../../app/alerts';
import { Link } from '../../app/router';
import { useApi } from '../../app/useApi';
import { useT } from '../../i18n/i18n';

const REFRESH_MS = 15_000;


/**
 * The fleet at a glance: how many servers are up, how many alerts fire, and the Lightd side.
 * Tiles filter the list (or sort it trouble first).
 */
export function FleetSummary({ enabled, daemons, onStatus, onTrouble }: { enabled: boolean; daemons: DaemonView[] | undefined; onStatus: (status: string) => void; onTrouble: () => void }) {
  const t = useT();
  // The whole fleet's count by status, in one answer.
  const fleet = useApi<ServerPage>(enabled ? '/api/v1/servers?limit=1' : null, { refreshMs: REFRESH_MS }).data;
  const total = fleet?.total;
  const online = fleet?.byStatus.online;
  const offline = fleet?.byStatus.offline;
  const never = fleet?.byStatus.unknown;
  const firing = useFiringAlerts();
  const containers = daemons?.reduce(
    (sum, d) => ({ total: sum.total + d.containers.total, failed: sum.failed + d.containers.failed, installing: sum.installing + d.containers.installing }),
    { total: 0, failed: 0, installing: 0 },
  );
  const daemonsOnline = daemons?.filter((d) => d.status === 'online').length;

  return (
    <div className="summary" role="group" aria-label={t.fleetSummary}>
      <button type="button" className="tile" onClick={() => onStatus('')}>
        <span className="tile-label">{t.servers}</span>
        <span className="tile-value">{total ?? '…'}</span>
      </button>
      <button type="button" className="tile" onClick={() => onStatus('online')}>
        <span className="tile-label">
          <span className="dot dot-online" aria-hidden /> {t.statusOnlineCap}
        </span>
        <span className="tile-value">{online ?? '…'}</span>
      </button>
      <button type="button" className={offline ? 'tile tile-bad' : 'tile'} onClick={() => onStatus('offline')}>
        <span className="tile-label">
          <span className="dot dot-offline" aria-hidden /> {t.statusOfflineCap}
        </span>
        <span className="tile-value">{offline ?? '…'}</span>
      </button>
      <button type="button" className={firing.total ? 'tile tile-bad' : 'tile'} onClick={onTrouble}>
        <span className="tile-label">
          <span className={firing.total ? 'dot dot-offline' : 'dot dot-online'} aria-hidden /> {t.alertsFiringTile}
        </span>
        <span className="tile-value">{firing.items ? firing.total : '…'}</span>
      </button>
      {never !== undefined && never > 0 && (
        <button type="button" className="tile" onClick={() => onStatus('unknown')}>
          <span className="tile-label">
            <span className="dot dot-unknown" aria-hidden /> {t.statusUnknownCap}
          </span>
          <span className="tile-value">{never}</span>
        </button>
      )}
      <Link href="/lightd" className="tile">
        <span className="tile-label">{t.lightdDaemons}</span>
        <span className="tile-value">
          {daemons?.length ?? '…'}
          {daemons && <span className="tile-of">{daemons.length === 0 ? t.noneYet : t.nOnline(daemonsOnline ?? 0)}</span>}
        </span>
      </Link>
      <Link href="/lightd?status=failed" className={containers?.failed ? 'tile tile-bad' : 'tile'}>
        <span className="tile-label">{t.containers}</span>
        <span className="tile-value">
          {containers?.total ?? '…'}
          {containers && (containers.failed > 0 || containers.installing > 0) && (
            <span className="tile-of">
              {containers.failed > 0 && ` ${t.nFailed(containers.failed)}`}
              {containers.installing > 0 && ` ${t.nInstalling(containers.installing)}`}
            </span>
          )}
        </span>
      </Link>
    </div>
  );
}
