import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import { cssColor, useTheme } from '../../app/theme';
import { withAlpha } from './TimeChart';

export interface SparklineProps {
  /** One or two lines (e.g. received and sent) over the same points. */
  values: (number | null)[][];
  /** CSS custom properties of the lines' colours. */
  colors: string[];
  /** Upper bound of the y scale (100 for percentages); otherwise the data's maximum. */
  max?: number;
  width?: number;
  height?: number;
}

/**
 * A tiny line chart for list rows (uPlot without axes, cursor or legend). Rows reuse it as
 * they scroll, so it takes new data without being rebuilt.
 */
export function Sparkline({ values, colors, max, width = 84, height = 24 }: SparklineProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const theme = useTheme();
  const data = useRef<uPlot.AlignedData>([[], []]);
  data.current = [values[0]?.map((_, i) => i) ?? [], ...values];

  useEffect(() => {
    if (!box.current) return;
    const u = new uPlot(
      {
        width,
        height,
        pxAlign: false,
        cursor: { show: false },
        legend: { show: false },
        select: { show: false, left: 0, top: 0, width: 0, height: 0 },
        scales: { x: { time: false }, y: { range: (_u, _min, top) => [0, max ?? (top > 0 ? top * 1.15 : 1)] } },
        axes: [{ show: false }, { show: false }],
        series: [
          {},
          ...colors.map((c, i): uPlot.Series => {
            const color = cssColor(c);
            return { stroke: color, width: 1.25, fill: i === 0 ? withAlpha(color, 0.14) : undefined, points: { show: false } };
          }),
        ],
      },
      data.current,
      box.current,
    );
    plot.current = u;
    return () => {
      u.destroy();
      plot.current = null;
    };
  }, [colors.join(), max, width, height, theme]);

  useEffect(() => {
    plot.current?.setData(data.current);
  });

  return <div ref={box} className="sparkline" aria-hidden />;
}
