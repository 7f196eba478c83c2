import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { niceScale } from '../../../lib/dashboard/nice-scale.js';

describe('niceScale', () => {
  it('keeps the axis honest: 201/s gets 250/s, not 500/s', () => {
    expect(niceScale(201)).toEqual({ top: 250, step: 50 });
    expect(niceScale(100)).toEqual({ top: 100, step: 20 });
    expect(niceScale(101).top).toBe(120);
    expect(niceScale(6)).toEqual({ top: 6, step: 1 });
    expect(niceScale(0)).toEqual({ top: 1, step: 0.2 });
    expect(niceScale(Number.NaN).top).toBe(1);
  });

  test.prop([fc.double({ min: 0.001, max: 1e9, noNaN: true })])(
    'the top covers the data and stays within a third of it, in 3 to 6 steps',
    (max) => {
      const { top, step } = niceScale(max);
      expect(top).toBeGreaterThanOrEqual(max * (1 - 1e-9)); // display precision
      expect(top).toBeLessThanOrEqual((max * 4) / 3 + 1e-9 * max);
      expect(Math.round(top / step)).toBeLessThanOrEqual(6);
      expect(Math.round(top / step)).toBeGreaterThanOrEqual(3);
    },
  );
});
