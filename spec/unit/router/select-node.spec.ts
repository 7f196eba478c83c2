import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { balancers } from '../../../lib/router/balancers.js';
import { selectNode } from '../../../lib/router/select-node.js';

const ctx = { random: () => 0.3, now: 0, slowStartMs: 0, cursor: 0 };
const candidate = (id: number) => ({ nodeId: id, load: 0, rttMs: -1, recoveredAt: -1 });

describe('selectNode', () => {
  it('undefined when no node is eligible', () => {
    expect(selectNode([], new Set(), balancers.p2c, candidate, ctx)).toBeUndefined();
  });

  it('prefers nodes the request has not tried; all of them once every one was tried', () => {
    expect(selectNode([1, 2, 3], new Set([1, 3]), balancers.p2c, candidate, ctx)).toBe(2);
    expect([1, 2]).toContain(selectNode([1, 2], new Set([1, 2]), balancers['round-robin'], candidate, ctx));
  });

  test.prop([
    fc.uniqueArray(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 10 }),
    fc.uniqueArray(fc.integer({ min: 1, max: 50 }), { maxLength: 10 }),
    fc.constantFrom('p2c' as const, 'round-robin' as const, 'least-outstanding' as const),
    fc.double({ min: 0, max: 0.999, noNaN: true }),
    fc.nat(100),
  ])('always an eligible node, untried when one is left', (eligible, tried, name, r, cursor) => {
    const ids = [...eligible].sort((a, b) => a - b);
    const picked = selectNode(ids, new Set(tried), balancers[name], candidate, {
      ...ctx,
      random: () => r,
      cursor,
    });
    expect(ids).toContain(picked);
    if (ids.some((id) => !tried.includes(id))) expect(tried).not.toContain(picked);
  });
});
