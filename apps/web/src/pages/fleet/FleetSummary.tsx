import type { DaemonView, Page, ServerView } from '@pharos/protocol';
import { Link } from '../../app/router';
import { useApi } from '../../app/useApi';

const REFRESH_MS = 15_000;

function useCount(query: string): number | undefined {
  return useApi<Page<ServerView>>(`/api/v1/servers?limit=1${query}`, { refreshMs: REFRESH_MS }).data?.total;
}

/** The fleet at a glance: how many servers are up, and the Lightd side. Tiles filter the list. */
export function FleetSummary({ daemons, onStatus }: { daemons: DaemonView[] | undefined; onStatus: (status: string) => void }) {
  const total = useCount('');
  const online = useCount('&status=online');
  const offline = useCount('&status=offline');
  const never = total !== undefined && online !== undefined && offline !== undefined ? total - online - offline : undefined;
  const containers = daemons?.reduce(
    (sum, d) => ({ total: sum.total + d.containers.total, failed: sum.failed + d.containers.failed, installing: sum.installing + d.containers.installing }),
    { total: 0, failed: 0, installing: 0 },
  );
  const daemonsOnline = daemons?.filter((d) => d.status === 'online').length;

  return (
    <div className="summary" aria-label="Fleet summary">
      <button type="button" className="tile" onClick={() => onStatus('')}>
        <span className="tile-label">Servers</span>
        <span className="tile-value">{total ?? '…'}</span>
      </button>
      <button type="button" className="tile" onClick={() => onStatus('online')}>
        <span className="tile-label">
          <span className="dot dot-online" aria-hidden /> Online
        </span>
        <span className="tile-value">{online ?? '…'}</span>
      </button>
      <button type="button" className={offline ? 'tile tile-bad' : 'tile'} onClick={() => onStatus('offline')}>
        <span className="tile-label">
          <span className="dot dot-offline" aria-hidden /> Offline
        </span>
        <span className="tile-value">{offline ?? '…'}</span>
      </button>
      {never !== undefined && never > 0 && (
        <button type="button" className="tile" onClick={() => onStatus('unknown')}>
          <span className="tile-label">
            <span className="dot dot-unknown" aria-hidden /> Never seen
          </span>
          <span className="tile-value">{never}</span>
        </button>
      )}
      <Link href="/lightd" className="tile">
        <span className="tile-label">Lightd daemons</span>
        <span className="tile-value">
          {daemons?.length ?? '…'}
          {daemons && <span className="tile-of">{daemons.length === 0 ? 'none yet' : `${daemonsOnline} online`}</span>}
        </span>
      </Link>
      <Link href="/lightd?status=failed" className={containers?.failed ? 'tile tile-bad' : 'tile'}>
        <span className="tile-label">Containers</span>
        <span className="tile-value">
          {containers?.total ?? '…'}
          {containers && (containers.failed > 0 || containers.installing > 0) && (
            <span className="tile-of">
              {containers.failed > 0 && ` ${containers.failed} failed`}
              {containers.installing > 0 && ` ${containers.installing} installing`}
            </span>
          )}
        </span>
      </Link>
    </div>
  );
}
