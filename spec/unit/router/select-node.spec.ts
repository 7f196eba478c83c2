import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { balancers } from '../../../lib/router/balancers.js';
import { type NodeFigures, selectNode } from '../../../lib/router/select-node.js';

const ctx = { random: () => 0.3, now: 0, slowStartMs: 0, cursor: 0 };
const figures: NodeFigures = { load: () => 0, rttMs: () => -1, recoveredAt: () => -1 };

describe('selectNode', () => {
  it('undefined when no node is eligible', () => {
    expect(selectNode([], [], [], balancers.p2c, figures, ctx)).toBeUndefined();
  });

  it('prefers nodes the request has not tried; all of them once every one was tried', () => {
    expect(selectNode([1, 2, 3], [1, 3], [], balancers.p2c, figures, ctx)).toBe(2);
    expect([1, 2]).toContain(selectNode([1, 2], [1, 2], [], balancers['round-robin'], figures, ctx));
  });

  it('every node tried: never one with a copy of the request in flight (busy) while another is idle', () => {
    for (const cursor of [0, 1, 2, 3]) {
      for (const random of [0, 0.3, 0.6, 0.99]) {
        const c = { ...ctx, cursor, random: () => random };
        expect(selectNode([1, 2], [1, 2], [1], balancers['round-robin'], figures, c)).toBe(2);
        expect(selectNode([1, 2, 3], [1, 2, 3], [3, 1], balancers.p2c, figures, c)).toBe(2);
      }
    }
    // every node busy: any eligible node
    expect([1, 2]).toContain(selectNode([1, 2], [1, 2], [1, 2], balancers.p2c, figures, ctx));
  });

  it('freshOnly (a hedge copy): only an untried node, else none', () => {
    expect(selectNode([1, 2, 3], [1, 3], [1], balancers.p2c, figures, ctx, true)).toBe(2);
    expect(selectNode([1, 2], [1, 2], [1], balancers.p2c, figures, ctx, true)).toBeUndefined();
  });

  it('reads the figures of at most two candidates with p2c, whatever the cluster size (no scan)', () => {
    const eligible = Array.from({ length: 10_000 }, (_, i) => i + 1);
    let reads = 0;
    const counting: NodeFigures = {
      load: () => (reads++, 0),
      rttMs: () => (reads++, -1),
      recoveredAt: () => (reads++, -1),
    };
    const picked = selectNode(eligible, [5, 7000], [], balancers.p2c, counting, {
      ...ctx,
      random: Math.random,
    });
    expect(picked).not.toBe(5);
    expect(picked).not.toBe(7000);
    expect(reads).toBeLessThanOrEqual(8);
  });

  test.prop([
    fc.uniqueArray(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 10 }),
    fc.uniqueArray(fc.integer({ min: 1, max: 50 }), { maxLength: 10 }),
    fc.uniqueArray(fc.integer({ min: 1, max: 50 }), { maxLength: 4 }),
    fc.constantFrom('p2c' as const, 'round-robin' as const, 'least-outstanding' as const),
    fc.double({ min: 0, max: 0.999, noNaN: true }),
    fc.nat(100),
  ])(
    'always an eligible node: untried when one is left, else not busy when one is idle',
    (eligible, tried, busy, name, r, cursor) => {
      const ids = [...eligible].sort((a, b) => a - b);
      const picked = selectNode(ids, tried, busy, balancers[name], figures, {
        ...ctx,
        random: () => r,
        cursor,
      });
      expect(ids).toContain(picked);
      if (ids.some((id) => !tried.includes(id))) expect(tried).not.toContain(picked);
      else if (ids.some((id) => !busy.includes(id))) expect(busy).not.toContain(picked);
    },
  );
});
