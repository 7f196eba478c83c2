import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { findDegraded } from '../../../lib/dashboard/find-degraded.js';

describe('findDegraded', () => {
  it('flags a 300 ms node among 1 ms ones, with its factor', () => {
    const r = findDegraded(
      new Map([
        [1, 1],
        [2, 300],
        [3, 1.2],
      ]),
    );
    expect(r.get(2)!.degraded).toBe(true);
    expect(r.get(2)!.slowFactor).toBeCloseTo(300 / 1.1, 5);
    expect(r.get(1)!.degraded).toBe(false);
    expect(r.get(3)!.degraded).toBe(false);
  });

  it('does not flag small absolute differences, lone nodes, or nodes without an RTT', () => {
    expect(
      findDegraded(
        new Map([
          [1, 1],
          [2, 5],
        ]),
      ).get(2)!.degraded,
    ).toBe(false);
    expect(findDegraded(new Map([[1, 300]])).get(1)).toEqual({ degraded: false, slowFactor: null });
    expect(
      findDegraded(
        new Map([
          [1, null],
          [2, 300],
        ]),
      ).get(2),
    ).toEqual({ degraded: false, slowFactor: null });
  });

  test.prop([fc.array(fc.double({ min: 0.1, max: 50, noNaN: true }), { minLength: 2, maxLength: 8 })])(
    'nodes within 3× of each other are never flagged',
    (base) => {
      const low = Math.min(...base);
      const rtts = new Map(base.map((v, i) => [i + 1, low + (v % 1) * low * 1.9] as [number, number]));
      for (const r of findDegraded(rtts).values()) expect(r.degraded).toBe(false);
    },
  );
});
