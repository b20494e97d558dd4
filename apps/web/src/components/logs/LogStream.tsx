import type { FrontendServerMessage, LogEntryData } from '@pharos/protocol';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useLiveSocket } from '../../app/useLiveSocket';
import { clock, dateTime } from '../../format/time';
import { useT } from '../../i18n/i18n';
import { LiveBadge } from '../Status';

const KEEP = 2000;
const LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

/**
 * The live event stream of a server, a Lightd daemon or a container (`/api/v1/ws/logs/{id}`):
 * the latest entries first, then each new one. It follows the end unless the admin scrolled up.
 */
export function LogStream({ subjectId, onEntry, height }: { subjectId: string; onEntry?: (entry: LogEntryData) => void; height?: number }) {
  const t = useT();
  const [entries, setEntries] = useState<LogEntryData[]>([]);
  const [minLevel, setMinLevel] = useState<(typeof LEVELS)[number]>('DEBUG');
  const [filter, setFilter] = useState('');
  const [follow, setFollow] = useState(true);
  const box = useRef<HTMLDivElement>(null);
  const entryHandler = useRef(onEntry);
  entryHandler.current = onEntry;

  const live = useLiveSocket<FrontendServerMessage>(
    `/api/v1/ws/logs/${subjectId}`,
    (message) => {
      if (message.type !== 'log') return;
      const entry = message.data;
      setEntries((current) => {
        // A reconnect resends the latest entries: keep each id once.
        if (entry.id !== undefined && current.some((e) => e.id === entry.id)) return current;
        const next = [...current, entry];
        return next.length > KEEP ? next.slice(next.length - KEEP) : next;
      });
      entryHandler.current?.(entry);
    },
    { ping: true },
  );

  const shown = entries.filter((e) => LEVELS.indexOf(e.level) >= LEVELS.indexOf(minLevel) && (!filter || `${e.message} ${e.kind ?? ''}`.toLowerCase().includes(filter.toLowerCase())));

  useLayoutEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [shown.length, follow]);
  useEffect(() => setEntries([]), [subjectId]);

  return (
    <section className="stack" aria-label={t.liveLog}>
      <div className="section-title">
        <h2>{t.eventsAndLogs}</h2>
        <LiveBadge state={live.state} detail={live.detail} />
        <input type="search" placeholder={t.filter} aria-label={t.filterLogLines} value={filter} onChange={(e) => setFilter(e.target.value)} style={{ width: 160 }} />
        <select aria-label={t.lowestLevel} value={minLevel} onChange={(e) => setMinLevel(e.target.value as (typeof LEVELS)[number])}>
          {LEVELS.map((l) => (
            <option key={l} value={l}>
              {l === 'DEBUG' ? t.allLevels : t.levelAndUp(l)}
            </option>
          ))}
        </select>
        {!follow && (
          <button type="button" className="small" onClick={() => setFollow(true)}>
            {t.follow} ↓
          </button>
        )}
      </div>
      <div
        ref={box}
        className="log-view"
        role="log"
        aria-live="polite"
        style={height ? { height } : undefined}
        onScroll={(e) => {
          const el = e.currentTarget;
          setFollow(el.scrollHeight - el.scrollTop - el.clientHeight < 24);
        }}
      >
        {shown.length === 0 ? (
          <div className="log-line">
            <span />
            <span />
            <span className="log-time">{live.state === 'live' ? (entries.length ? t.noLineMatches : t.nothingLoggedYet) : t.liveConnecting}</span>
          </div>
        ) : (
          shown.map((e, i) => (
            <div key={e.id ?? `i${i}`} className={`log-line log-${e.level}`}>
              <span className="log-time" title={dateTime(e.timestamp)}>
                {clock(e.timestamp)}
              </span>
              <span className="log-level">{e.level}</span>
              <span className="log-message">
                {e.message}
                {e.kind && <span className="log-kind">{e.kind}</span>}
              </span>
            </div>
          ))
        )}
      </div>
    </section>
  );
}
