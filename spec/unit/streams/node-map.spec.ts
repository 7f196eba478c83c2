import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { nodeHealth } from '../../../lib/streams/node-health.js';
import { NodeMap } from '../../../lib/streams/node-map.js';

const nodes = (n: number) => Array.from({ length: n }, (_, i) => nodeHealth.initial(i + 1, 0));

describe('NodeMap', () => {
  test.prop([fc.integer({ min: 1, max: 200 }), fc.array(fc.nat(), { maxLength: 30 })])(
    'with() replaces one node, leaves the old map intact, and behaves as a Map',
    (n, edits) => {
      const initial = nodes(n);
      let map = NodeMap.of(initial);
      const reference = new Map(initial.map((h) => [h.nodeId, h]));
      for (const e of edits) {
        const id = (e % n) + 1;
        const before = map;
        const old = before.get(id)!;
        const next = { ...old, consecutiveFailures: e };
        map = map.with(next);
        reference.set(id, next);
        expect(before.get(id)).toBe(old);
        expect(map.get(id)).toBe(next);
      }
      expect(map.size).toBe(n);
      expect([...map.keys()]).toEqual([...reference.keys()]);
      for (const [id, h] of map) expect(reference.get(id)).toBe(h);
    },
  );

  it('shares every untouched 32-node chunk between snapshots', () => {
    const a = NodeMap.of(nodes(100));
    const b = a.with({ ...a.get(70)!, rttMs: 5 });
    expect(b.get(1)).toBe(a.get(1));
    expect(b.get(100)).toBe(a.get(100));
    expect(b.get(70)).not.toBe(a.get(70));
    expect(a.get(70)!.rttMs).toBe(-1);
  });

  it('rejects ids out of order and unknown nodes', () => {
    expect(() => NodeMap.of([nodeHealth.initial(2, 0)])).toThrowError(RangeError);
    expect(() => NodeMap.of(nodes(3)).with(nodeHealth.initial(4, 0))).toThrowError(RangeError);
    expect(NodeMap.of(nodes(3)).has(4)).toBe(false);
  });
});
