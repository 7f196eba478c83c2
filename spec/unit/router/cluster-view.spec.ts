import { describe, expect, it } from 'vitest';
import { nodeHealth } from '../../../lib/streams/node-health.js';
import { NodeMap } from '../../../lib/streams/node-map.js';
import { setup } from './cluster-setup.js';

describe('ClusterView', () => {
  it('per-node figures: load and reply time from the pool, recovery time from health, -1 when unknown', () => {
    const t = setup(2);
    t.set([1, 2], 1234);
    expect(t.cluster.load(0)).toBe(0); // by position in the eligible list
    expect(t.cluster.loadOf(1)).toBe(0); // by id
    expect(t.cluster.rttMs(0)).toBe(-1);
    expect(t.cluster.rttOf(1)).toBe(-1);
    expect(t.cluster.recoveredAt(1)).toBe(1234); // node 2
    expect(t.cluster.firstContactPending()).toBe(true); // the nodes are all still joining
  });

  it('flat figures: rebuilt when the eligible set changes, else updated for the nodes a snapshot says changed', () => {
    const t = setup(3);
    const eligible = [1, 2, 3];
    const snapshot = (recoveredAt: number, changed: number[]) => ({
      at: 0,
      nodes: NodeMap.of(
        t.addresses.map((a) => ({ ...nodeHealth.initial(a.id, a.label, 0), recoveredAt, rttMs: 4 })),
      ),
      eligible,
      panic: false,
      changed,
    });
    t.cluster.update(snapshot(10, []));
    expect([0, 1, 2].map((p) => t.cluster.recoveredAt(p))).toEqual([10, 10, 10]);
    expect(t.cluster.rttMs(1)).toBe(4); // the probes' RTT while the pool has none
    t.cluster.update(snapshot(20, [2])); // same eligible array: only node 2 is read again
    expect([0, 1, 2].map((p) => t.cluster.recoveredAt(p))).toEqual([10, 20, 10]);
    t.cluster.update({ ...snapshot(30, []), eligible: [1, 3] }); // a new eligible set: all read again
    expect([0, 1].map((p) => t.cluster.recoveredAt(p))).toEqual([30, 30]);
  });
});
