import { memo } from 'react';
import { isolatedPoints, percentTop, sparklineTop } from './series';

export interface SparklineProps {
  /** One or two lines (e.g. received and sent) over the same points. */
  values: (number | null)[][];
  /** CSS custom properties of the lines' colours. */
  colors: string[];
  /**
   * `percent`: 0 to 25, 50 or 100, whichever holds the line (`percentTop`); `rate`: 0 to the
   * largest value, a lone spike clipped (`sparklineTop`), at least 1 KB/s.
   */
  scale: 'percent' | 'rate';
  width?: number;
  height?: number;
}

const RATE_FLOOR = 1024;
/** Room kept above and below the line, so its stroke is not cut at the edges. */
const PAD = 1.5;

/** An SVG path through the points, broken where a value is missing. */
function linePath(values: (number | null)[], x: (i: number) => number, y: (v: number) => number): string {
  let path = '';
  let pen = false;
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      pen = false;
      return;
    }
    path += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
    pen = true;
  });
  return path;
}

/** The area under the first line: each unbroken run of it closed down to the baseline. */
function areaPath(values: (number | null)[], x: (i: number) => number, y: (v: number) => number, base: number): string {
  let path = '';
  let runStart = -1;
  const close = (end: number) => {
    if (runStart >= 0 && end > runStart) path += `L${x(end).toFixed(1)},${base}L${x(runStart).toFixed(1)},${base}Z`;
    runStart = -1;
  };
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) return close(i - 1);
    path += `${runStart < 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
    if (runStart < 0) runStart = i;
  });
  close(values.length - 1);
  return path;
}

/**
 * A small line chart for list rows, readable at a glance: scaled to what it holds (a spike
 * clipped at the top), a point alone drawn as a dot, the first line's area shaded. Plain SVG:
 * a fleet page draws a hundred of these at once, and each is a few path commands.
 */
export const Sparkline = memo(function Sparkline({ values, colors, scale, width = 84, height = 28 }: SparklineProps) {
  const all = values.flat();
  const top = scale === 'percent' ? percentTop(all) : sparklineTop(all, RATE_FLOOR);
  const count = Math.max(1, (values[0]?.length ?? 1) - 1);
  const x = (i: number) => (i / count) * width;
  const y = (v: number) => PAD + (height - 2 * PAD) * (1 - Math.min(1, Math.max(0, v / top)));
  return (
    <svg className="sparkline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} aria-hidden>
      {values[0] && <path d={areaPath(values[0], x, y, height)} style={{ fill: `var(${colors[0]})` }} className="sparkline-area" />}
      {values.map((line, k) => (
        <g key={k} style={{ stroke: `var(${colors[k]})`, fill: `var(${colors[k]})` }}>
          <path d={linePath(line, x, y)} className="sparkline-line" />
          {isolatedPoints(line).map((i) => (
            <circle key={i} cx={x(i)} cy={y(line[i]!)} r={1.6} stroke="none" />
          ))}
        </g>
      ))}
    </svg>
  );
});
