import { describe, expect, it } from 'vitest';
import { setup } from './cluster-setup.js';

describe('ClusterView', () => {
  it('per-node figures: load and reply time from the pool, recovery time from health, -1 when unknown', () => {
    const t = setup(2);
    t.set([1, 2], 1234);
    expect(t.cluster.load(1)).toBe(0);
    expect(t.cluster.rttMs(1)).toBe(-1);
    expect(t.cluster.recoveredAt(2)).toBe(1234);
    expect(t.cluster.firstContactPending()).toBe(true); // the nodes are all still joining
  });
});
