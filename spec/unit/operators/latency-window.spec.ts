import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { LatencyWindow } from '../../../lib/operators/latency-window.js';

describe('LatencyWindow', () => {
  it('reports nothing below minSamples', () => {
    const w = new LatencyWindow({ minSamples: 3 });
    w.record(5);
    w.record(6);
    expect(w.percentile(50)).toBeUndefined();
    w.record(7);
    expect(w.percentile(50)).toBe(6);
  });

  it('keeps only the last `size` samples', () => {
    const w = new LatencyWindow({ size: 4, minSamples: 1 });
    for (const ms of [100, 100, 100, 100, 1, 2, 3, 4]) w.record(ms);
    expect(w.length).toBe(4);
    expect(w.percentile(100)).toBe(4);
  });

  test.prop([
    fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 300 }),
    fc.integer({ min: 1, max: 100 }),
  ])('equals the nearest-rank percentile of the last samples', (samples, p) => {
    const w = new LatencyWindow({ size: 64, minSamples: 1 });
    for (const s of samples) w.record(s);
    const last = samples.slice(-64).sort((a, b) => a - b);
    expect(w.percentile(p)).toBe(last[Math.max(1, Math.ceil((p / 100) * last.length)) - 1]);
  });
});
