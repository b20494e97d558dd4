import { type ReactNode, useMemo } from 'react';
import { type ChartLine, BYTE_STEPS, TimeChart } from '../../components/charts/TimeChart';
import { bytes, bytesPerSecond, decimal, percent } from '../../format/units';
import { useT } from '../../i18n/i18n';
import { type EntityChartSeriesName, hasValues, type MetricColumns } from './metricData';

const pct = (v: number | null | undefined) => percent(v, 1);
const celsius = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${decimal(v, 0)} °C`);
const rateAxis = (v: number) => `${bytes(v)}/s`;
/** Colours for lines of entities (mounts, interfaces, disks, sensors), in order. */
const PALETTE = ['--series-1', '--series-2', '--series-3', '--series-4', '--series-5', '--series-6', '--series-7', '--series-8'];

export interface MetricChartsProps {
  columns: MetricColumns;
  /** The span the charts show until zoomed. */
  window: [number, number];
  /** The longest distance (ms) between points that a line joins. */
  maxJoin: number;
  emptyLabel: string;
}

/**
 * The server page's charts over the same points: CPU and memory (with their min/max bands
 * where the history has them), network, disk I/O and load when the server sends them; then
 * one line per filesystem, per interface and per disk when there are several, and the
 * temperature sensors an Ithiltir node reports.
 */
export function MetricCharts({ columns, window, maxJoin, emptyLabel }: MetricChartsProps) {
  const t = useT();
  const { timestamps, series: s, bands, entities } = columns;
  const common = { timestamps, window, maxJoin, emptyLabel };
  const usage = useMemo(() => {
    const lines: ChartLine[] = [
      { label: t.cpu, color: '--series-cpu', values: s.cpu_percent, fill: true, band: bands.cpu_percent },
      { label: t.memory, color: '--series-mem', values: s.memory_percent, band: bands.memory_percent },
    ];
    if (hasValues(s.swap_percent)) lines.push({ label: t.swap, color: '--series-disk', values: s.swap_percent });
    return lines;
  }, [s, bands, t]);
  const network = useMemo<ChartLine[]>(
    () => [
      { label: t.received, color: '--series-rx', values: s.net_rx_bytes_per_sec, fill: true },
      { label: t.sent, color: '--series-tx', values: s.net_tx_bytes_per_sec },
    ],
    [s, t],
  );
  const disk = useMemo<ChartLine[]>(
    () => [
      { label: t.read, color: '--series-cpu', values: s.disk_read_bytes_per_sec, fill: true },
      { label: t.written, color: '--series-tx', values: s.disk_write_bytes_per_sec },
    ],
    [s, t],
  );
  const load = useMemo<ChartLine[]>(() => [{ label: t.load, color: '--series-load', values: s.load1, fill: true }], [s, t]);
  const filesystems = useMemo(() => entityLines(entities.fs_used_percent), [entities]);
  const interfaces = useMemo(() => pairedLines(entities, 'iface_rx_bytes_per_sec', 'iface_tx_bytes_per_sec', '↓', '↑'), [entities]);
  const disks = useMemo(() => pairedLines(entities, 'disk_io_read_bytes_per_sec', 'disk_io_write_bytes_per_sec', t.readShort, t.writtenShort), [entities, t]);
  const temperatures = useMemo(() => entityLines(entities.temp_c, (name) => name.replace(/^smart:/, 'SMART ')), [entities]);

  return (
    <div className="charts">
      <ChartCard title={t.cpuAndMemory}>
        <TimeChart {...common} ariaLabel={t.cpuAndMemoryChart} lines={usage} format={pct} yRange={[0, 100]} axisFormat={(v) => `${v}%`} />
      </ChartCard>
      <ChartCard title={t.network}>
        <TimeChart {...common} ariaLabel={t.networkChart} lines={network} format={bytesPerSecond} axisSteps={BYTE_STEPS} axisFormat={rateAxis} />
      </ChartCard>
      {(hasValues(s.disk_read_bytes_per_sec) || hasValues(s.disk_write_bytes_per_sec)) && (
        <ChartCard title={t.diskIo}>
          <TimeChart {...common} ariaLabel={t.diskIoChart} lines={disk} format={bytesPerSecond} axisSteps={BYTE_STEPS} axisFormat={rateAxis} />
        </ChartCard>
      )}
      {hasValues(s.load1) && (
        <ChartCard title={t.loadAverage}>
          <TimeChart {...common} ariaLabel={t.loadChart} lines={load} format={(v) => decimal(v)} />
        </ChartCard>
      )}
      {filesystems.length > 0 && (
        <ChartCard title={t.filesystems}>
          <TimeChart {...common} ariaLabel={t.filesystemsChart} lines={filesystems} format={pct} yRange={[0, 100]} axisFormat={(v) => `${v}%`} />
        </ChartCard>
      )}
      {interfaces.length > 2 && (
        <ChartCard title={t.networkByInterface}>
          <TimeChart {...common} ariaLabel={t.networkByInterfaceChart} lines={interfaces} format={bytesPerSecond} axisSteps={BYTE_STEPS} axisFormat={rateAxis} />
        </ChartCard>
      )}
      {disks.length > 2 && (
        <ChartCard title={t.diskIoByDisk}>
          <TimeChart {...common} ariaLabel={t.diskIoByDiskChart} lines={disks} format={bytesPerSecond} axisSteps={BYTE_STEPS} axisFormat={rateAxis} />
        </ChartCard>
      )}
      {temperatures.length > 0 && (
        <ChartCard title={t.temperatures}>
          <TimeChart {...common} ariaLabel={t.temperaturesChart} lines={temperatures} format={celsius} axisFormat={(v) => `${v} °C`} />
        </ChartCard>
      )}
    </div>
  );
}

function ChartCard({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="card chart-card" aria-label={title}>
      <h3>{title}</h3>
      {children}
    </section>
  );
}

/** One line per entity that has a value, in name order, each its own colour. */
function entityLines(byEntity: Record<string, (number | null)[]>, label: (name: string) => string = (name) => name): ChartLine[] {
  return Object.keys(byEntity)
    .filter((name) => hasValues(byEntity[name]))
    .sort()
    .map((name, i) => ({ label: label(name), color: PALETTE[i % PALETTE.length]!, values: byEntity[name]! }));
}

/** Two lines per entity (received and sent, read and written), the same colour, the first filled. */
function pairedLines(entities: MetricColumns['entities'], first: EntityChartSeriesName, second: EntityChartSeriesName, firstMark: string, secondMark: string): ChartLine[] {
  const names = [...new Set([...Object.keys(entities[first]), ...Object.keys(entities[second])])].filter((n) => hasValues(entities[first][n]) || hasValues(entities[second][n])).sort();
  return names.flatMap((name, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    const lines: ChartLine[] = [];
    if (entities[first][name]) lines.push({ label: `${name} ${firstMark}`, color, values: entities[first][name] });
    if (entities[second][name]) lines.push({ label: `${name} ${secondMark}`, color, values: entities[second][name], dashed: true });
    return lines;
  });
}
