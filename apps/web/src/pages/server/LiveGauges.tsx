import type { LiveMetricsData } from '@pharos/protocol';
import { bytes, bytesPerSecond, decimal, duration, percent } from '../../format/units';
import { useT } from '../../i18n/i18n';

function Gauge({ label, color, value, sub, fraction }: { label: string; color?: string; value: string; sub?: string; fraction?: number | null }) {
  return (
    <div className="card gauge">
      <div className="gauge-label">
        {color && <span className="swatch" style={{ background: `var(${color})` }} />}
        {label}
      </div>
      <div className="gauge-value">{value}</div>
      {sub && <div className="gauge-sub">{sub}</div>}
      {fraction !== undefined && (
        <div className="bar">
          <span style={{ width: `${Math.min(100, Math.max(0, fraction ?? 0))}%`, background: `var(${(fraction ?? 0) >= 90 ? '--bad' : (color ?? '--accent')})` }} />
        </div>
      )}
    </div>
  );
}

/**
 * The latest sample as big numbers: what an admin reads first. When the server is not
 * reporting (`staleSince` set) they are greyed and say how old they are, so that a server
 * that went down never looks alive.
 */
export function LiveGauges({ sample, memoryTotal, staleSince }: { sample: LiveMetricsData | null; memoryTotal?: number | null; staleSince?: string }) {
  const t = useT();
  const s = sample;
  const rootDisk = s?.disk_usage.find((d) => d.mountpoint === '/') ?? s?.disk_usage[0];
  const diskPercent = s?.disk_percent ?? rootDisk?.percent;
  return (
    <section className={staleSince ? 'gauges-section stale' : 'gauges-section'} aria-label={t.currentValues}>
      {staleSince && <p className="muted small stale-note">{t.lastValuesFrom(staleSince)}</p>}
      <div className="gauges">
        <Gauge label={t.cpu} color="--series-cpu" value={percent(s?.cpu_percent, 1)} fraction={s?.cpu_percent} sub={s?.load1 !== undefined ? t.loadValues([s.load1, s.load5, s.load15].filter((v) => v !== undefined).map((v) => decimal(v)).join(' · ')) : undefined} />
        <Gauge
          label={t.memory}
          color="--series-mem"
          value={percent(s?.memory_percent, 1)}
          fraction={s?.memory_percent}
          sub={memoryTotal && s ? t.ofTotal(bytes((memoryTotal * s.memory_percent) / 100), bytes(memoryTotal)) : s?.swap_percent !== undefined ? t.swapValue(percent(s?.swap_percent)) : undefined}
        />
        <Gauge label={t.disk} color="--series-disk" value={percent(diskPercent, 1)} fraction={diskPercent} sub={rootDisk?.total_bytes ? t.ofTotal(bytes(rootDisk.used_bytes), bytes(rootDisk.total_bytes)) : undefined} />
        <Gauge label={t.network} color="--series-rx" value={`↓ ${bytesPerSecond(s?.net_rx_bytes_per_sec)}`} sub={`↑ ${bytesPerSecond(s?.net_tx_bytes_per_sec)}`} />
        <Gauge label={t.processes} value={s?.process_count !== undefined ? String(s.process_count) : '—'} sub={s?.tcp_count !== undefined ? t.connections(s.tcp_count, s.udp_count ?? 0) : undefined} />
        <Gauge label={t.uptime} value={duration(s?.uptime_seconds)} sub={s?.max_temp_c !== undefined ? t.hottestSensor(decimal(s.max_temp_c, 0)) : undefined} />
      </div>
    </section>
  );
}

/** Each mounted disk and how full it is. */
export function DiskUsage({ sample }: { sample: LiveMetricsData | null }) {
  const t = useT();
  const disks = sample?.disk_usage ?? [];
  if (disks.length === 0) return null;
  return (
    <section className="card card-pad" aria-labelledby="disks-heading">
      <h2 className="section-title" id="disks-heading">
        {t.disks}
      </h2>
      <div className="disks">
        {disks.map((d) => (
          <div key={d.mountpoint} className="disk-row">
            <span className="truncate mono" title={d.device}>
              {d.mountpoint}
            </span>
            <div className="bar">
              <span style={{ width: `${Math.min(100, d.percent)}%`, background: `var(${d.percent >= 90 ? '--bad' : '--series-disk'})` }} />
            </div>
            <span className="muted num small">
              {percent(d.percent)}
              {d.total_bytes ? ` / ${bytes(d.total_bytes)}` : ''}
            </span>
          </div>
        ))}
      </div>
    </section>
  );
}
