import type { PublishedCount } from '../../protocol/api/impact.js';

// A horizontal bar chart drawn on the server as SVG: readable without JavaScript, and by screen
// readers through its role="img" with a title and a description that say every value (the
// table beside it says them again, by topic). A withheld count ("<5", "hidden") gets no bar: a
// bar's length would give the value away.

export interface Bar {
  label: string;
  value: PublishedCount;
}

// Drawn at about its own size in a 15rem column (desktop) or the page's width (phone).
const WIDTH = 250;
const ROW = 28;
const LABEL = 72;
const BAR_MAX = 120;

/** The chart; `id` makes its title and description ids unique on the page. */
export function BarChart({ id, title, desc, bars, format }: { id: string; title: string; desc: string; bars: Bar[]; format: (v: PublishedCount) => string }) {
  const max = Math.max(1, ...bars.map((b) => (typeof b.value === 'number' ? b.value : 0)));
  const height = bars.length * ROW + 6;
  return (
    <svg class="chart" viewBox={`0 0 ${WIDTH} ${height}`} width={WIDTH} height={height} role="img" aria-labelledby={`${id}-t ${id}-d`} focusable="false">
      <title id={`${id}-t`}>{title}</title>
      <desc id={`${id}-d`}>{desc}</desc>
      {bars.map((b, i) => {
        const y = 3 + i * ROW;
        const shown = typeof b.value === 'number';
        const width = shown ? Math.max(b.value as number > 0 ? 2 : 0, Math.round(((b.value as number) / max) * BAR_MAX)) : 0;
        return (
          <g>
            <text x="0" y={y + 19} class="chart-label">{b.label}</text>
            {width > 0 ? <rect x={LABEL} y={y + 5} width={width} height="18" rx="2" class="chart-bar" /> : null}
            <text x={LABEL + width + 6} y={y + 19} class={shown ? 'chart-value' : 'chart-value withheld'}>{format(b.value)}</text>
          </g>
        );
      })}
    </svg>
  );
}
