import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { nodeHealth } from '../../../lib/streams/node-health.js';
import { NodeMap } from '../../../lib/streams/node-map.js';

const nodes = (n: number) => Array.from({ length: n }, (_, i) => nodeHealth.initial(i + 1, 'n', 0));

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
    expect(a.get(70)!.rttMs).toBeNull();
  });

  it('takes any distinct ids, iterates them ascending, and rejects duplicates and unknown nodes', () => {
    const sparse = NodeMap.of([7, 3, 1000].map((id) => nodeHealth.initial(id, 'n', 0)));
    expect([...sparse.keys()]).toEqual([3, 7, 1000]);
    expect(sparse.get(1000)!.nodeId).toBe(1000);
    expect(sparse.get(1)).toBeUndefined();
    expect(() => NodeMap.of([nodeHealth.initial(2, 'n', 0), nodeHealth.initial(2, 'n', 0)])).toThrowError(
      RangeError,
    );
    expect(() => NodeMap.of(nodes(3)).with(nodeHealth.initial(4, 'n', 0))).toThrowError(RangeError);
    expect(() => NodeMap.of(nodes(3)).added(nodeHealth.initial(3, 'n', 0))).toThrowError(RangeError);
    expect(NodeMap.of(nodes(3)).has(4)).toBe(false);
  });

  test.prop([
    fc.array(
      fc.oneof(
        fc.constant({ op: 'add' as const, k: 0 }),
        fc.record({ op: fc.constant('remove' as const), k: fc.nat() }),
        fc.record({ op: fc.constant('edit' as const), k: fc.nat() }),
      ),
      { maxLength: 120 },
    ),
  ])('added() / without() / with() behave as a Map keyed by id, ids never reused, ascending order', (ops) => {
    let map = NodeMap.of([]);
    const reference = new Map<number, ReturnType<typeof nodeHealth.initial>>();
    let nextId = 1;
    for (const { op, k } of ops) {
      const ids = [...reference.keys()];
      if (op === 'add') {
        const node = nodeHealth.initial(nextId++, `10.0.0.1:${nextId}`, 0);
        map = map.added(node);
        reference.set(node.nodeId, node);
      } else if (ids.length > 0 && op === 'remove') {
        const id = ids[k % ids.length]!;
        const before = map;
        map = map.without(id);
        reference.delete(id);
        expect(before.has(id)).toBe(true);
      } else if (ids.length > 0) {
        const id = ids[k % ids.length]!;
        const next = { ...reference.get(id)!, consecutiveFailures: k };
        map = map.with(next);
        reference.set(id, next);
      }
      expect(map.size).toBe(reference.size);
    }
    expect([...map.keys()]).toEqual([...reference.keys()].sort((a, b) => a - b));
    for (const [id, h] of reference) expect(map.get(id)).toBe(h);
    expect(JSON.parse(JSON.stringify(map))).toEqual([...map.values()]);
  });
});
