import { shorten } from './format';

/** Colours of bars, all at least 3:1 against the white page and the light track (WCAG 1.4.11). */
export const COLOURS = {
  ok: '#1a7f37',
  warn: '#9a6700',
  bad: '#cf222e',
  info: '#0969da',
  pending: '#8250df',
  neutral: '#6e7781',
  track: '#e6eaef',
} as const;

export type Colour = (typeof COLOURS)[keyof typeof COLOURS];

export interface Bar {
  /** Shown shortened beside the bar; the table next to the chart shows it whole. */
  readonly label: string;
  readonly value: number;
  /** The figure written after the bar, e.g. `75.0% (3 of 4)`. */
  readonly valueLabel: string;
  readonly colour: Colour;
}

export interface BarChartProps {
  /** Unique on the page: the chart's `<title>`/`<desc>` ids derive from it. */
  readonly id: string;
  readonly title: string;
  readonly bars: readonly Bar[];
  /** The value of a full-length bar (the largest count, or 1 for shares). */
  readonly max: number;
  /** Draw the empty part of each bar (for shares, where the whole matters). */
  readonly track?: boolean;
}

const LABEL_WIDTH = 200;
const BAR_WIDTH = 250;
const VALUE_WIDTH = 130;
const ROW_HEIGHT = 28;
const LABEL_CHARACTERS = 22;

/**
 * A horizontal bar chart as inline SVG. It is an image to assistive technology (`role="img"`)
 * whose name and description give every figure, and the page repeats them in a table.
 */
export function BarChart({ id, title, bars, max, track = false }: BarChartProps) {
  const width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH;
  const height = Math.max(1, bars.length) * ROW_HEIGHT + 4;
  const description = bars.map((bar) => `${bar.label}: ${bar.valueLabel}`).join('; ');
  return (
    <figure class="chart">
      <svg
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        viewBox={`0 0 ${width} ${height}`}
        width={width}
        height={height}
        xmlns="http://www.w3.org/2000/svg"
      >
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{description}</desc>
        {bars.map((bar, index) => {
          const y = 2 + index * ROW_HEIGHT;
          const length = max > 0 ? (Math.min(bar.value, max) / max) * BAR_WIDTH : 0;
          // A non-zero value always shows as a sliver, however small next to the largest.
          const drawn = bar.value > 0 ? Math.max(2, length) : 0;
          return (
            <g key={index}>
              <text x={LABEL_WIDTH - 10} y={y + ROW_HEIGHT / 2} dy="0.35em" text-anchor="end">
                {shorten(bar.label, LABEL_CHARACTERS)}
              </text>
              {track ? <rect x={LABEL_WIDTH} y={y + 6} width={BAR_WIDTH} height={ROW_HEIGHT - 12} rx={3} fill={COLOURS.track} /> : null}
              <rect x={LABEL_WIDTH} y={y + 6} width={round(drawn)} height={ROW_HEIGHT - 12} rx={3} fill={bar.colour} />
              <text class="value" x={LABEL_WIDTH + BAR_WIDTH + 10} y={y + ROW_HEIGHT / 2} dy="0.35em">
                {bar.valueLabel}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
