import type { ServerView } from '@pharos/protocol';
import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import { useFiringAlerts } from '../../app/alerts';
import { useNow } from '../../app/hooks';
import { Link } from '../../app/router';
import { ago } from '../../format/time';
import { useT } from '../../i18n/i18n';

const SHOWN = 5;

/** The names of these servers, fetched once each (alerts name their server by id only). */
function useServerNames(ids: string[]): Record<string, string> {
  const [names, setNames] = useState<Record<string, string>>({});
  const key = [...new Set(ids)].sort().join(',');
  useEffect(() => {
    for (const id of key ? key.split(',') : []) {
      if (names[id]) continue;
      api.get<ServerView>(`/api/v1/servers/${id}`).then(
        (s) => setNames((current) => ({ ...current, [id]: s.name })),
        () => undefined,
      );
    }
    // Names already known are not asked again.
  }, [key]);
  return names;
}

/** The alerts firing across the fleet, newest first: what to look at before anything else. */
export function FiringAlertsPanel() {
  const t = useT();
  const now = useNow(10_000);
  const { items, total } = useFiringAlerts();
  const shown = (items ?? []).slice(0, SHOWN);
  const names = useServerNames(shown.map((a) => a.server_id));
  if (shown.length === 0) return null;
  return (
    <section className="card card-pad firing-alerts" aria-labelledby="firing-heading">
      <h2 id="firing-heading">{t.alertsFiringHeading(total)}</h2>
      <ul className="plain-list">
        {shown.map((a) => (
          <li key={a.id} className={a.severity === 'critical' ? 'alert-line critical' : 'alert-line warning'}>
            <span className={a.severity === 'critical' ? 'alert-badge critical' : 'alert-badge warning'}>{a.severity === 'critical' ? t.critical : t.warning}</span>
            <Link href={`/servers/${a.server_id}`}>{names[a.server_id] ?? t.server}</Link>
            <span className="truncate">{a.message}</span>
            <span className="muted small">{t.since(ago(a.timestamp, now))}</span>
          </li>
        ))}
      </ul>
      {total > shown.length && <p className="muted small">{t.andMoreAlerts(total - shown.length)}</p>}
    </section>
  );
}
