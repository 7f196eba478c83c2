import { describe, expect, it } from 'vitest';
import { drawChart } from '../../../lib/dashboard/draw-chart.js';
import type { FeedStats } from '../../../lib/dashboard/feed-types.js';

const stats = (at: number, rps: number, fps = 0): FeedStats => ({
  at,
  requestsPerSecond: rps,
  failuresPerSecond: fps,
  retriesPerSecond: 0,
  nodes: [],
});

describe('drawChart', () => {
  const start = Date.UTC(2026, 0, 1, 12, 0, 0);
  const history = Array.from({ length: 61 }, (_, i) =>
    stats(start + i * 1000, 180 + (i % 3) * 10, i === 30 ? 4 : 0),
  );
  const svg = drawChart(history, 640, 170);

  it('has a y scale with a nice maximum above the data, and time labels', () => {
    expect(svg).toContain('>200/s<');
    expect(svg).toContain('>0/s<');
    expect(svg.match(/class="axis x"/g)!.length).toBeGreaterThanOrEqual(2);
    expect(svg).toMatch(/>\d{2}:\d{2}:\d{2}</);
  });

  it('spans the full width with whatever history there is (the window fills)', () => {
    const points = [...svg.matchAll(/class="req" points="([^"]+)"/g)][0]![1]!.split(' ');
    const xs = points.map((p) => Number(p.split(',')[0]));
    expect(xs[0]).toBe(44);
    expect(xs.at(-1)).toBe(630);
  });

  it('shows at most the last five minutes', () => {
    const long = Array.from({ length: 600 }, (_, i) => stats(start + i * 1000, 10));
    const points = [...drawChart(long).matchAll(/class="req" points="([^"]+)"/g)][0]![1]!.split(' ');
    expect(points).toHaveLength(301);
  });

  it('draws axes without data and never divides by zero', () => {
    expect(drawChart([])).toContain('axis-line');
    expect(drawChart([stats(start, 0)])).not.toContain('NaN');
  });
});
