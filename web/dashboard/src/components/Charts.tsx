/**
 * Two small inline-SVG charts, enough for live numbers: a sparkline for a table cell and a line
 * chart with a scale and a legend. The vertical scale always starts at zero so heights compare.
 */

export interface Series {
  label: string;
  color: string;
  values: number[];
}

function points(values: number[], width: number, height: number, max: number, count: number): string {
  const step = count > 1 ? width / (count - 1) : 0;
  const offset = count - values.length; // right-align a series shorter than the window
  return values.map((value, index) => `${((index + offset) * step).toFixed(1)},${(height - (value / max) * height).toFixed(1)}`).join(' ');
}

export function Sparkline({
  values,
  color = 'var(--accent)',
  width = 120,
  height = 28,
  label,
  capacity = values.length,
}: {
  values: number[];
  color?: string;
  width?: number;
  height?: number;
  label: string;
  /** Points the full width holds: a shorter history fills in from the right, as it grows. */
  capacity?: number;
}) {
  const max = Math.max(1, ...values);
  return (
    <svg className="sparkline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
      <polyline
        fill="none"
        stroke={color}
        strokeWidth="1.5"
        points={points(values, width, height - 2, max, Math.max(capacity, values.length, 2))}
      />
    </svg>
  );
}

export function LineChart({
  title,
  series,
  labels,
  format = String,
  height = 160,
  capacity = 0,
}: {
  title: string;
  series: Series[];
  /** The x-axis labels of the first and last point. */
  labels?: [string, string];
  format?: (value: number) => string;
  height?: number;
  /** Points the full width holds (a live chart): a shorter history fills in from the right. */
  capacity?: number;
}) {
  const width = 600;
  const count = Math.max(2, capacity, ...series.map((s) => s.values.length));
  const max = niceCeiling(Math.max(2, ...series.flatMap((s) => s.values))); // counts below 2 would get a 0.5 line
  return (
    <figure className="chart" data-testid={`chart-${title.toLowerCase().replace(/\W+/g, '-')}`}>
      <figcaption>
        <strong>{title}</strong>
        {series.map((s) => (
          <span key={s.label} className="legend">
            <i style={{ background: s.color }} /> {s.label} <b>{format(s.values.at(-1) ?? 0)}</b>
          </span>
        ))}
      </figcaption>
      <svg viewBox={`-64 -8 ${width + 72} ${height + 28}`} role="img" aria-label={title}>
        {[0, 0.5, 1].map((fraction) => (
          <g key={fraction} className="grid">
            <line x1={0} x2={width} y1={height - fraction * height} y2={height - fraction * height} />
            <text x={-6} y={height - fraction * height + 4} textAnchor="end">
              {format(max * fraction)}
            </text>
          </g>
        ))}
        {series.map((s) => (
          <polyline key={s.label} fill="none" stroke={s.color} strokeWidth="2" points={points(s.values, width, height, max, count)} />
        ))}
        {labels && (
          <g className="grid">
            <text x={0} y={height + 18}>
              {labels[0]}
            </text>
            <text x={width} y={height + 18} textAnchor="end">
              {labels[1]}
            </text>
          </g>
        )}
      </svg>
    </figure>
  );
}

/** 1, 2 or 4 times a power of ten, at or above `value`: a round scale whose half (the middle line) is round too. */
function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 4, 10].find((step) => step * power >= value) ?? 10) * power;
}
