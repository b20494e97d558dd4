import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import { cssColor, useTheme } from '../../app/theme';

export interface ChartSeries {
  label: string;
  /** A CSS custom property holding the colour (`--series-cpu`). */
  color: string;
  /** How a value reads in the legend and on the axis. */
  format: (value: number | null | undefined) => string;
  fill?: boolean;
}

export interface TimeChartProps {
  /** Timestamps in ms, then one array per series. */
  data: [number[], ...(number | null)[][]];
  series: ChartSeries[];
  height?: number;
  /** A fixed y range (percentages: [0, 100]); otherwise from 0 to the data's maximum. */
  yRange?: [number, number];
  /** How the y axis reads, when not as the first series' values (e.g. "50%" rather than "50.0%"). */
  axisFormat?: (value: number) => string;
  /** Tick steps for the y axis: binary steps for bytes, so ticks land on 256 KB/s, not 195 KB/s. */
  axisSteps?: number[];
  /** Shown in place of the chart when there is no point. */
  emptyLabel?: string;
  ariaLabel: string;
}

/**
 * A time-series chart (uPlot): themed from the CSS variables, sized to its container, fed new
 * data without being rebuilt.
 */
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Time-axis steps: whole seconds at least, so a few live samples do not read as milliseconds. */
const TIME_STEPS = [SECOND, 5 * SECOND, 10 * SECOND, 15 * SECOND, 30 * SECOND, MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY];

/** Tick labels: seconds for a short span, hours and minutes for a day, dates beyond. */
function timeTicks(ticks: number[], span: number): string[] {
  return ticks.map((t) => {
    const d = new Date(t);
    if (span > 2 * DAY) return d.toLocaleDateString([], { month: 'short', day: 'numeric' });
    return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: span < 10 * MINUTE ? '2-digit' : undefined, hour12: false });
  });
}

export function TimeChart({ data, series, height = 180, yRange, axisFormat, axisSteps, emptyLabel = 'No data in this range', ariaLabel }: TimeChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const theme = useTheme();
  const latest = useRef(data);
  latest.current = data;
  const shape = series.map((s) => s.label + s.color).join('|') + String(yRange) + height + String(axisSteps?.length);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const axisColor = cssColor('--muted');
    const gridColor = cssColor('--grid');
    const font = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
    const axis: uPlot.Axis = { stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor, width: 1, size: 4 }, font };
    const opts: uPlot.Options = {
      width: el.clientWidth || 300,
      height,
      ms: 1,
      cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      legend: { live: true },
      scales: {
        x: { time: true },
        y: { range: yRange ? () => yRange : (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
      },
      axes: [
        { ...axis, space: 70, incrs: TIME_STEPS, values: (u, ticks) => timeTicks(ticks, (u.scales.x?.max ?? 0) - (u.scales.x?.min ?? 0)) },
        { ...axis, size: 64, incrs: axisSteps, values: (_u, ticks) => ticks.map((t) => (axisFormat ?? series[0]!.format)(t)) },
      ],
      series: [
        { value: (_u, v) => (v === null ? '—' : new Date(v).toLocaleString([], { hour12: false })) },
        ...series.map((s): uPlot.Series => {
          const color = cssColor(s.color);
          return {
            label: s.label,
            stroke: color,
            width: 1.5,
            fill: s.fill ? withAlpha(color, 0.12) : undefined,
            points: { show: false },
            spanGaps: false,
            value: (_u, v) => s.format(v),
          };
        }),
      ],
    };
    // Out of the cursor, the legend shows the newest values rather than dashes.
    const showLatest = (u: uPlot) => {
      if (u.cursor.idx === null || u.cursor.idx === undefined) u.setLegend({ idx: Math.max(0, u.data[0].length - 1) });
    };
    opts.hooks = { setCursor: [showLatest], setData: [showLatest] };
    const u = new uPlot(opts, latest.current as uPlot.AlignedData, el);
    showLatest(u);
    plot.current = u;
    const resize = new ResizeObserver(() => {
      if (el.clientWidth > 0 && el.clientWidth !== u.width) u.setSize({ width: el.clientWidth, height });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
    // Rebuilt only when its look changes; data goes through setData below.
  }, [shape, theme]);

  useEffect(() => {
    plot.current?.setData(data as uPlot.AlignedData);
  }, [data]);

  const empty = data[0].length === 0;
  return (
    <div className="chart" role="img" aria-label={ariaLabel}>
      <div ref={box} className={empty ? 'chart-plot is-empty' : 'chart-plot'} />
      {empty && <div className="chart-empty muted">{emptyLabel}</div>}
    </div>
  );
}

/** `#rrggbb` or `rgb(…)` with an alpha, for area fills under lines. */
export function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(color);
  if (hex) {
    const n = parseInt(hex[1]!, 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
  }
  return color.replace(/^rgb\(([^)]+)\)$/, `rgba($1, ${alpha})`);
}

/** 1, 2, 4 … 512 times each power of 1024: y-axis steps for byte rates. */
export const BYTE_STEPS: number[] = [0, 1, 2, 3, 4, 5].flatMap((p) => [1, 2, 4, 8, 16, 32, 64, 128, 256, 512].map((m) => m * 1024 ** p));
