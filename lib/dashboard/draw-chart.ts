import type { FeedMarker } from './feed-types.js';
import { niceScale } from './nice-scale.js';

/** One line of a chart: points `[wall-clock ms, value or null (a gap)]`. */
export interface ChartSeries {
  /** CSS class of the line (`req`, `fail`, `n3` …). */
  readonly cls: string;
  readonly dashed?: boolean;
  readonly points: ReadonlyArray<readonly [number, number | null]>;
}

/** Options of {@link drawChart}. */
export interface ChartOptions {
  readonly width?: number;
  readonly height?: number;
  /** At most this much time is shown, ending at the latest point. @defaultValue 300000 */
  readonly windowMs?: number;
  /** Appended to y labels. @defaultValue '/s' */
  readonly unit?: string;
  /** A logarithmic y axis (powers of ten), for latencies that span 1 ms and 300 ms. @defaultValue false */
  readonly log?: boolean;
  /** Faults, heals and control actions: a vertical line and a label at their time. */
  readonly markers?: readonly FeedMarker[];
}

const pad = { left: 50, right: 10, top: 26, bottom: 22 };
const clock = (ms: number) => new Date(ms).toLocaleTimeString([], { hour12: false });
const escapeXml = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const fmt = (v: number) =>
  v >= 1 || v === 0 ? String(Number(v.toPrecision(6))) : String(Number(v.toPrecision(2)));

/**
 * SVG markup of a time chart: a time axis with clock labels, a y scale with gridlines whose top stays within
 * one tick of the data (`niceScale`; or powers of ten with `log`), lines with gaps where a value is null, and
 * markers. The window is the data shown (at most `windowMs`), so lines span the full width. Browser-safe.
 */
export function drawChart(series: readonly ChartSeries[], options: ChartOptions = {}): string {
  const width = options.width ?? 640;
  const height = options.height ?? 170;
  const windowMs = options.windowMs ?? 300_000;
  const unit = options.unit ?? '/s';
  const w = width - pad.left - pad.right;
  const h = height - pad.top - pad.bottom;
  const last = Math.max(0, ...series.flatMap((s) => s.points.map((p) => p[0])));
  const shown = series.map((s) => s.points.filter((p) => p[0] >= last - windowMs));
  const t0 = Math.min(last, ...shown.flatMap((p) => p.map((q) => q[0])));
  const span = Math.max(1000, last - t0);
  const values = shown.flatMap((p) => p.map((q) => q[1]).filter((v): v is number => v !== null && v > 0));
  const x = (t: number) => pad.left + ((t - t0) / span) * w;
  const parts: string[] = [];
  let y: (v: number) => number;
  let ticks: number[];
  if (options.log) {
    const lo = Math.floor(Math.log10(Math.min(1, ...values)));
    const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(1, ...values)) - 1e-9));
    y = (v) => pad.top + h - ((Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo)) * h;
    ticks = Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i));
  } else {
    const { top, step } = niceScale(Math.max(0, ...values));
    y = (v) => pad.top + h - (v / top) * h;
    ticks = Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
  }
  for (const v of ticks) {
    parts.push(
      `<line class="grid" x1="${pad.left}" x2="${pad.left + w}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}"/>`,
      `<text class="axis y" x="${pad.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${fmt(v)}${unit}</text>`,
    );
  }
  const step = [1, 2, 5, 10, 15, 30, 60, 120, 300].map((s) => s * 1000).find((s) => span / s <= 6) ?? 600_000;
  for (let t = Math.ceil(t0 / step) * step; t <= last; t += step) {
    parts.push(
      `<line class="tick" x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${pad.top + h}" y2="${pad.top + h + 4}"/>`,
      `<text class="axis x" x="${x(t).toFixed(1)}" y="${height - 4}" text-anchor="middle">${clock(t)}</text>`,
    );
  }
  parts.push(
    `<line class="axis-line" x1="${pad.left}" x2="${pad.left + w}" y1="${pad.top + h}" y2="${pad.top + h}"/>`,
  );
  // labels of markers close together take turns on two rows
  let lastLabelX = Number.NEGATIVE_INFINITY;
  let row = 0;
  for (const m of options.markers ?? []) {
    if (m.at < t0 || m.at > last) continue;
    const at = x(m.at);
    row = at - lastLabelX < 48 ? 1 - row : 0;
    lastLabelX = at;
    const mx = at.toFixed(1);
    parts.push(
      `<g class="marker ${m.kind}" data-at="${m.at}"><title>${escapeXml(m.text)}</title>` +
        `<line x1="${mx}" x2="${mx}" y1="${pad.top - 14 + row * 10}" y2="${pad.top + h}"/>` +
        `<text x="${mx}" y="${pad.top - 16 + row * 10}" text-anchor="middle">${escapeXml(m.label ?? m.kind)}</text></g>`,
    );
  }
  shown.forEach((points, i) => {
    const s = series[i]!;
    const runs: string[][] = [[]];
    for (const [t, v] of points) {
      if (v === null || (options.log && v <= 0)) runs.push([]);
      else runs.at(-1)!.push(`${x(t).toFixed(1)},${y(v).toFixed(1)}`);
    }
    for (const run of runs)
      if (run.length > 1)
        parts.push(`<polyline class="${s.cls}${s.dashed ? ' dashed' : ''}" points="${run.join(' ')}"/>`);
      else if (run.length === 1) {
        const [px, py] = run[0]!.split(',');
        parts.push(`<circle class="${s.cls}" cx="${px}" cy="${py}" r="1.5"/>`);
      }
  });
  return parts.join('');
}
