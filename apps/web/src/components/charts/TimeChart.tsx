import { useEffect, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import { cssColor, useTheme } from '../../app/theme';
import { clock, dateTime, shortDate } from '../../format/time';
import { useT } from '../../i18n/i18n';
import { type Aligned, type ChartValue, isolatedPoints, withGaps } from './series';

export interface ChartLine {
  label: string;
  /** A CSS custom property holding the colour (`--series-cpu`). */
  color: string;
  /** One value (or null) per timestamp. */
  values: (number | null)[];
  fill?: boolean;
  /** Drawn dashed: the second line of a pair in one colour (an interface's sent beside its received). */
  dashed?: boolean;
  /** The lowest and highest value within each point's step, drawn as a band around the line. */
  band?: { min: (number | null)[]; max: (number | null)[] };
}

export interface TimeChartProps {
  /** Timestamps in ms, sorted. */
  timestamps: number[];
  lines: ChartLine[];
  /** How a value reads in the legend. */
  format: (value: number | null | undefined) => string;
  /** How the y axis reads, when not as `format` (e.g. "50%" rather than "50.0%"). */
  axisFormat?: (value: number) => string;
  /** Tick steps for the y axis: binary steps for bytes, so ticks land on 256 KB/s, not 195 KB/s. */
  axisSteps?: number[];
  /** A fixed y range (percentages: [0, 100]); otherwise from 0 to the data's maximum. */
  yRange?: [number, number];
  /** The time span shown (ms) until the user zooms: the range asked for, however few points it holds. */
  window: [number, number];
  /** The longest distance (ms) between two points that a line still joins (`maxJoinMs`). */
  maxJoin: number;
  /** Shown in place of the chart when the window holds no point. */
  emptyLabel: string;
  ariaLabel: string;
  height?: number;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Time-axis steps: whole seconds at least, so a few live samples do not read as milliseconds. */
const TIME_STEPS = [SECOND, 5 * SECOND, 10 * SECOND, 15 * SECOND, 30 * SECOND, MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY];

/** Tick labels, 24-hour like every time on the dashboard: seconds for minutes, hours for a day, dates beyond. */
function timeTicks(ticks: number[], span: number): string[] {
  return ticks.map((t) => (span > 2 * DAY ? shortDate(t) : clock(t, span < 3 * MINUTE)));
}

/** The chart's columns for uPlot: each line, then its band's top and bottom when it has one; gaps put in. */
function alignedData(timestamps: number[], lines: ChartLine[], maxJoin: number): Aligned {
  const columns = lines.flatMap((l) => (l.band ? [l.values, l.band.max, l.band.min] : [l.values]));
  return withGaps({ timestamps, columns }, maxJoin);
}

/**
 * How many points of the first line fall in the window, and in how many unbroken runs (a
 * `null` breaks a run, an `undefined` is passed over): what the chart draws.
 */
function drawnShape(data: Aligned, [from, to]: [number, number]): { points: number; runs: number } {
  const values = data.columns[0] ?? [];
  let points = 0;
  let runs = 0;
  let inRun = false;
  data.timestamps.forEach((t, i) => {
    if (t < from || t > to || values[i] === null) {
      inRun = false;
      return;
    }
    if (values[i] === undefined) return;
    points++;
    if (!inRun) runs++;
    inRun = true;
  });
  return { points, runs };
}

/** Per series, its newest point with a value: what the legend shows out of the cursor. */
function latestIndexes(u: uPlot): number[] {
  const last = u.data[0].length - 1;
  return u.data.map((column, s) => {
    if (s === 0) return Math.max(0, last);
    for (let i = last; i >= 0; i--) if (column[i] != null) return i;
    return Math.max(0, last);
  });
}

/**
 * A time-series chart (uPlot): themed from the CSS variables, sized to its container, fed new
 * data without being rebuilt. Lines break where reports are missing (`maxJoin`), not between
 * every two points; a point alone is drawn as a dot. Drag across it to zoom into a span,
 * double-click (or the reset button) to go back to the whole window.
 */
export function TimeChart({ timestamps, lines, format, axisFormat, axisSteps, yRange, window, maxJoin, emptyLabel, ariaLabel, height = 180 }: TimeChartProps) {
  const t = useT();
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const theme = useTheme();
  const data = useMemo(() => alignedData(timestamps, lines, maxJoin), [timestamps, lines, maxJoin]);
  const latest = useRef(data);
  latest.current = data;
  const windowRef = useRef(window);
  windowRef.current = window;
  const zoom = useRef<[number, number] | null>(null);
  const [zoomed, setZoomed] = useState(false);
  const shape = lines.map((l) => `${l.label}${l.color}${l.band ? 'b' : ''}${l.dashed ? 'd' : ''}`).join('|') + String(yRange) + height + String(axisSteps?.length);

  const resetZoom = () => {
    zoom.current = null;
    setZoomed(false);
    plot.current?.setScale('x', { min: windowRef.current[0], max: windowRef.current[1] });
  };

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const axisColor = cssColor('--muted');
    const gridColor = cssColor('--grid');
    const font = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
    const axis: uPlot.Axis = { stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor, width: 1, size: 4 }, font };
    const series: uPlot.Series[] = [{ label: t.time, value: (_u, v) => (v === null ? '—' : dateTime(v)) }];
    const bands: uPlot.Band[] = [];
    for (const line of lines) {
      const color = cssColor(line.color);
      const index = series.length;
      series.push({
        label: line.label,
        stroke: color,
        width: 1.5,
        fill: line.fill ? withAlpha(color, 0.12) : undefined,
        dash: line.dashed ? [4, 3] : undefined,
        spanGaps: false,
        value: (_u, v) => format(v),
        // A point with no neighbour draws no line: a dot instead.
        points: { show: false, size: 5, fill: color, filter: (u, i) => isolatedPoints(u.data[i] as ChartValue[]) },
      });
      if (!line.band) continue;
      for (const edge of ['max', 'min']) {
        series.push({ label: `${line.label} ${edge}`, class: 'u-band', stroke: 'transparent', width: 0, spanGaps: false, points: { show: false }, value: (_u, v) => format(v) });
      }
      bands.push({ series: [index + 1, index + 2], fill: withAlpha(color, 0.16) });
    }
    const opts: uPlot.Options = {
      width: el.clientWidth || 300,
      height,
      ms: 1,
      cursor: {
        drag: { x: true, y: false, setScale: false },
        points: { size: 6 },
        bind: {
          dblclick: () => () => {
            resetZoom();
            return null;
          },
        },
      },
      select: { show: true, left: 0, top: 0, width: 0, height: 0 },
      legend: { live: true },
      bands,
      scales: {
        x: { time: true, range: (_u, min, max) => zoom.current ?? windowRef.current ?? [min, max] },
        y: { range: yRange ? () => yRange : (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
      },
      axes: [
        { ...axis, space: 70, incrs: TIME_STEPS, values: (u, ticks) => timeTicks(ticks, (u.scales.x?.max ?? 0) - (u.scales.x?.min ?? 0)) },
        { ...axis, size: 64, incrs: axisSteps, values: (_u, ticks) => ticks.map((v) => (axisFormat ?? format)(v)) },
      ],
      series,
    };
    // Out of the cursor, the legend shows the newest values rather than dashes.
    const showLatest = (u: uPlot) => {
      if (u.cursor.idx === null || u.cursor.idx === undefined) u.setLegend({ idxs: latestIndexes(u) });
    };
    const zoomToSelection = (u: uPlot) => {
      if (u.select.width < 4) return;
      const span: [number, number] = [u.posToVal(u.select.left, 'x'), u.posToVal(u.select.left + u.select.width, 'x')];
      u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
      zoom.current = span;
      setZoomed(true);
      u.setScale('x', { min: span[0], max: span[1] });
    };
    opts.hooks = { setCursor: [showLatest], setData: [showLatest], setSelect: [zoomToSelection] };
    const u = new uPlot(opts, [latest.current.timestamps, ...latest.current.columns] as uPlot.AlignedData, el);
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
  }, [shape, theme, t]);

  useEffect(() => {
    plot.current?.setData([data.timestamps, ...data.columns] as uPlot.AlignedData);
  }, [data, window[0], window[1]]);

  const drawn = drawnShape(data, zoom.current ?? window);
  const empty = drawn.points === 0;
  return (
    <div className="chart" data-points={drawn.points} data-runs={drawn.runs}>
      <div ref={box} className={empty ? 'chart-plot is-empty' : 'chart-plot'} role="img" aria-label={ariaLabel} />
      {empty && <div className="chart-empty muted">{emptyLabel}</div>}
      {zoomed && (
        <button type="button" className="small chart-reset" onClick={resetZoom}>
          {t.resetZoom}
        </button>
      )}
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
