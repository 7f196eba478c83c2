import type { FeedStats } from './feed-types.js';

const pad = { left: 44, right: 10, top: 8, bottom: 22 };

/** The smallest of 1, 2, 5 × 10^k at or above `v`. */
function niceCeil(v: number): number {
  const p = 10 ** Math.floor(Math.log10(Math.max(v, 1e-9)));
  return [1, 2, 5, 10].map((m) => m * p).find((x) => x >= v)!;
}

const clock = (ms: number) => new Date(ms).toLocaleTimeString([], { hour12: false });

/**
 * SVG markup of the requests and failures per second chart: a time axis with clock labels, a y scale with
 * gridlines, the window being the stats shown (at most `windowMs`, so the lines span the full width). Browser-safe.
 */
export function drawChart(
  history: readonly FeedStats[],
  width = 640,
  height = 170,
  windowMs = 300_000,
): string {
  const w = width - pad.left - pad.right;
  const h = height - pad.top - pad.bottom;
  const last = history.at(-1)?.at ?? 0;
  const shown = history.filter((s) => s.at >= last - windowMs);
  const t0 = shown[0]?.at ?? last;
  const span = Math.max(1000, last - t0);
  const max = niceCeil(Math.max(1, ...shown.map((s) => Math.max(s.requestsPerSecond, s.failuresPerSecond))));
  const x = (t: number) => pad.left + ((t - t0) / span) * w;
  const y = (v: number) => pad.top + h - (v / max) * h;
  const parts: string[] = [];
  for (const v of [0, max / 2, max]) {
    parts.push(
      `<line class="grid" x1="${pad.left}" x2="${pad.left + w}" y1="${y(v)}" y2="${y(v)}"/>`,
      `<text class="axis y" x="${pad.left - 6}" y="${y(v) + 4}" text-anchor="end">${v}/s</text>`,
    );
  }
  const step = [1, 2, 5, 10, 15, 30, 60, 120, 300].map((s) => s * 1000).find((s) => span / s <= 6) ?? 600_000;
  for (let t = Math.ceil(t0 / step) * step; t <= last; t += step) {
    parts.push(
      `<line class="tick" x1="${x(t)}" x2="${x(t)}" y1="${pad.top + h}" y2="${pad.top + h + 4}"/>`,
      `<text class="axis x" x="${x(t)}" y="${height - 4}" text-anchor="middle">${clock(t)}</text>`,
    );
  }
  parts.push(
    `<line class="axis-line" x1="${pad.left}" x2="${pad.left + w}" y1="${pad.top + h}" y2="${pad.top + h}"/>`,
  );
  const line = (cls: string, pick: (s: FeedStats) => number) =>
    shown.length > 1
      ? `<polyline class="${cls}" points="${shown.map((s) => `${x(s.at).toFixed(1)},${y(pick(s)).toFixed(1)}`).join(' ')}"/>`
      : '';
  parts.push(
    line('req', (s) => s.requestsPerSecond),
    line('fail', (s) => s.failuresPerSecond),
  );
  return parts.join('');
}
