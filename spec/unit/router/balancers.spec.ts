import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { balancers, type CandidateView, type PickContext } from '../../../lib/router/balancers.js';

interface Candidate {
  readonly nodeId: number;
  readonly load: number;
  readonly rttMs: number;
  readonly recoveredAt: number;
}
const view = (cands: readonly Candidate[]): CandidateView => ({
  load: (k) => cands[k]!.load,
  rttMs: (k) => cands[k]!.rttMs,
  recoveredAt: (k) => cands[k]!.recoveredAt,
});

const node = (nodeId: number, load = 0, rttMs = 1, recoveredAt = -1): Candidate => ({
  nodeId,
  load,
  rttMs,
  recoveredAt,
});
function seeded(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}
const ctx = (random: () => number, extra: Partial<PickContext> = {}): PickContext => ({
  random,
  now: 100_000,
  slowStartMs: 10_000,
  cursor: 0,
  ...extra,
});

describe('balancers', () => {
  test.prop([
    fc.array(fc.record({ load: fc.nat(50), rttMs: fc.integer({ min: -1, max: 100 }) }), {
      minLength: 1,
      maxLength: 20,
    }),
    fc.integer(),
  ])('every balancer returns a valid index', (specs, seed) => {
    const candidates = specs.map((s, i) => node(i + 1, s.load, s.rttMs));
    for (const pick of Object.values(balancers)) {
      const i = pick(candidates.length, view(candidates), ctx(seeded(seed), { cursor: Math.abs(seed) }));
      expect(i).toBeGreaterThanOrEqual(0);
      expect(i).toBeLessThan(candidates.length);
    }
  });

  it('p2c gives equal nodes a fair share (each of 3 within 30 % ± 5 % of 30 000 picks)', () => {
    const random = seeded(42);
    const counts = [0, 0, 0];
    const candidates = [node(1), node(2), node(3)];
    for (let i = 0; i < 30_000; i++) counts[balancers.p2c(3, view(candidates), ctx(random))]!++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(1500);
  });

  it('p2c prefers the less loaded and the clearly faster node, and damps a just-recovered one', () => {
    const random = seeded(7);
    const pick = (cands: Candidate[]) => {
      const counts = new Map<number, number>();
      for (let i = 0; i < 3000; i++) {
        const id = cands[balancers.p2c(cands.length, view(cands), ctx(random))]!.nodeId;
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      return counts;
    };
    expect(pick([node(1, 0), node(2, 10)]).get(1)).toBe(3000);
    // equal loads, node 2 three 15 ms windows slower: cost 1 vs 4, so node 1 wins 4 in 5, node 2 is not starved
    const byLatency = pick([node(1, 0, 1), node(2, 0, 50)]);
    expect(byLatency.get(1)).toBeGreaterThan(2200);
    expect(byLatency.get(2)).toBeGreaterThan(300);
    const damped = pick([node(1), node(2), node(3, 0, 1, 99_000)]); // recovered 1 s ago of a 10 s slow start
    expect(damped.get(3) ?? 0).toBeLessThan(damped.get(1)! / 3);
    // damping never hands a request to a busier node: a recovering idle node beats a loaded (slow) one
    const busy = pick([node(2, 5), node(3, 0, 1, 99_000)]);
    expect(busy.get(3)).toBe(3000);
  });

  it('round-robin follows the cursor; least-outstanding picks the lowest load', () => {
    const candidates = [node(1, 3), node(2, 1), node(3, 2)];
    expect(
      [0, 1, 2, 3].map((cursor) =>
        balancers['round-robin'](3, view(candidates), ctx(Math.random, { cursor })),
      ),
    ).toEqual([0, 1, 2, 0]);
    expect(balancers['least-outstanding'](3, view(candidates), ctx(seeded(1)))).toBe(1);
  });
});
