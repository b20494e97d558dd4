import type { DaemonView } from '@pharos/protocol';
import { Link } from '../../app/router';
import { statusWord } from '../../components/Status';
import { useT } from '../../i18n/i18n';

const SHOWN = 12;

/** Every Lightd daemon as a chip: status, containers, failures; the Lightd page has the rest. */
export function DaemonStrip({ daemons }: { daemons: DaemonView[] }) {
  const t = useT();
  if (daemons.length === 0) return null;
  const sorted = [...daemons].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
  return (
    <div className="daemon-strip" role="group" aria-label={t.lightdDaemons}>
      {sorted.slice(0, SHOWN).map((d) => (
        <Link key={d.id} href={`/lightd/daemons/${d.id}`} className={`chip chip-${d.status}`} title={d.apiUrl}>
          <span className={`dot dot-${d.status}`} role="img" aria-label={statusWord(t, d.status)} />
          <span className="chip-name">{d.name}</span>
          <span className="muted small">
            {t.nContainersShort(d.containers.total)}
            {d.containers.failed > 0 && <span className="bad"> · {t.nFailed(d.containers.failed)}</span>}
          </span>
        </Link>
      ))}
      {daemons.length > SHOWN && (
        <Link href="/lightd" className="chip chip-more">
          {t.allNDaemons(daemons.length)} →
        </Link>
      )}
    </div>
  );
}

/** Trouble first: offline daemons, then those with failed containers. */
function rank(d: DaemonView): number {
  if (d.status === 'offline') return 0;
  if (d.containers.failed > 0) return 1;
  if (d.status === 'unknown') return 2;
  return 3;
}
