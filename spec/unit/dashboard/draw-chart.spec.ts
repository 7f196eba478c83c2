import { describe, expect, it } from 'vitest';
import { type ChartSeries, drawChart } from '../../../lib/dashboard/draw-chart.js';

const start = Date.UTC(2026, 0, 1, 12, 0, 0);
const line = (cls: string, values: Array<number | null>, stepMs = 1000): ChartSeries => ({
  cls,
  points: values.map((v, i) => [start + i * stepMs, v] as const),
});

describe('drawChart', () => {
  const rps = Array.from({ length: 61 }, (_, i) => (i === 30 ? 201 : 180 + (i % 3) * 10)); // max 201
  const svg = drawChart([line('req', rps)], { width: 640, height: 170 });

  it('has an honest y scale (201/s → 250/s) and clock labels on the time axis', () => {
    expect(svg).toContain('>250/s<');
    expect(svg).not.toContain('>500/s<');
    expect(svg).toContain('>0/s<');
    expect(svg.match(/class="axis x"/g)!.length).toBeGreaterThanOrEqual(2);
    expect(svg).toMatch(/>\d{2}:\d{2}:\d{2}</);
  });

  it('spans the full width with whatever history there is, at most the last five minutes', () => {
    const xs = [...svg.matchAll(/class="req" points="([^"]+)"/g)][0]![1]!
      .split(' ')
      .map((p) => Number(p.split(',')[0]));
    expect(xs[0]).toBe(50);
    expect(xs.at(-1)).toBe(630);
    const long = drawChart([
      line(
        'req',
        Array.from({ length: 600 }, () => 10),
      ),
    ]);
    expect([...long.matchAll(/class="req" points="([^"]+)"/g)][0]![1]!.split(' ')).toHaveLength(301);
  });

  it('breaks a line where a value is missing, and dashes it when asked', () => {
    const s = drawChart([{ ...line('n1', [1, 2, null, 3, 4]), dashed: true }]);
    expect(s.match(/<polyline class="n1 dashed"/g)).toHaveLength(2);
  });

  it('draws markers with their label and full text, only inside the window', () => {
    const s = drawChart([line('req', [1, 2, 3, 4])], {
      markers: [
        { at: start + 1500, kind: 'fault', label: 'kill 2', text: 'fault injected: SIGKILL node 2' },
        { at: start - 60_000, kind: 'heal', label: 'old', text: 'before the window' },
      ],
    });
    expect(s).toMatch(/<g class="marker fault" data-at="\d+"><title>fault injected: SIGKILL node 2<\/title>/);
    expect(s).toContain('>kill 2</text>');
    expect(s).not.toContain('old');
  });

  it('puts latencies on a log scale in powers of ten', () => {
    const s = drawChart([line('p99', [0.8, 300, 1.2])], { unit: ' ms', log: true });
    for (const label of ['0.1 ms', '1 ms', '10 ms', '100 ms', '1000 ms']) expect(s).toContain(`>${label}<`);
  });

  it('draws axes without data and never divides by zero', () => {
    expect(drawChart([])).toContain('axis-line');
    expect(drawChart([line('req', [0])])).not.toContain('NaN');
    expect(drawChart([line('req', [0])], { log: true })).not.toContain('NaN');
  });
});
