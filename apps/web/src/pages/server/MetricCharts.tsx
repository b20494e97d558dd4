import { useMemo } from 'react';
import { BYTE_STEPS, TimeChart } from '../../components/charts/TimeChart';
import { bytes, bytesPerSecond, decimal, percent } from '../../format/units';
import type { MetricColumns } from './metricData';

const pct = (v: number | null | undefined) => percent(v, 1);

/** The server page's four charts over the same points: CPU and memory, load, network, disk I/O. */
export function MetricCharts({ columns, emptyLabel }: { columns: MetricColumns; emptyLabel: string }) {
  const { timestamps: t, series: s } = columns;
  const usage = useMemo(() => [t, s.cpu_percent, s.memory_percent, s.swap_percent] as [number[], ...(number | null)[][]], [t, s]);
  const network = useMemo(() => [t, s.net_rx_bytes_per_sec, s.net_tx_bytes_per_sec] as [number[], ...(number | null)[][]], [t, s]);
  const disk = useMemo(() => [t, s.disk_read_bytes_per_sec, s.disk_write_bytes_per_sec] as [number[], ...(number | null)[][]], [t, s]);
  const load = useMemo(() => [t, s.load1] as [number[], ...(number | null)[][]], [t, s]);
  const hasSwap = s.swap_percent.some((v) => v !== null);

  return (
    <div className="charts">
      <section className="card chart-card" aria-label="CPU and memory chart">
        <h3>CPU and memory</h3>
        <TimeChart
          ariaLabel="CPU and memory usage over time"
          data={hasSwap ? usage : (usage.slice(0, 3) as typeof usage)}
          yRange={[0, 100]}
          axisFormat={(v) => `${v}%`}
          emptyLabel={emptyLabel}
          series={[
            { label: 'CPU', color: '--series-cpu', format: pct, fill: true },
            { label: 'Memory', color: '--series-mem', format: pct },
            ...(hasSwap ? [{ label: 'Swap', color: '--series-disk', format: pct }] : []),
          ]}
        />
      </section>
      <section className="card chart-card" aria-label="Network chart">
        <h3>Network</h3>
        <TimeChart
          ariaLabel="Network traffic over time"
          data={network}
          axisSteps={BYTE_STEPS}
          axisFormat={(v) => `${bytes(v)}/s`}
          emptyLabel={emptyLabel}
          series={[
            { label: 'Received', color: '--series-rx', format: bytesPerSecond, fill: true },
            { label: 'Sent', color: '--series-tx', format: bytesPerSecond },
          ]}
        />
      </section>
      <section className="card chart-card" aria-label="Disk I/O chart">
        <h3>Disk I/O</h3>
        <TimeChart
          ariaLabel="Disk reads and writes over time"
          data={disk}
          axisSteps={BYTE_STEPS}
          axisFormat={(v) => `${bytes(v)}/s`}
          emptyLabel={emptyLabel}
          series={[
            { label: 'Read', color: '--series-cpu', format: bytesPerSecond, fill: true },
            { label: 'Write', color: '--series-tx', format: bytesPerSecond },
          ]}
        />
      </section>
      <section className="card chart-card" aria-label="Load chart">
        <h3>Load average (1 min)</h3>
        <TimeChart ariaLabel="Load average over time" data={load} emptyLabel={emptyLabel} series={[{ label: 'Load', color: '--series-load', format: (v) => decimal(v), fill: true }]} />
      </section>
    </div>
  );
}
