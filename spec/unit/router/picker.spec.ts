import { describe, expect, it } from 'vitest';
import { setup } from './cluster-setup.js';

describe('Picker', () => {
  it('picks among the latest eligible set, round-robin advancing its cursor per pick; none before a snapshot', () => {
    const t = setup(3);
    expect(t.picker.pick([], [])).toBeUndefined();
    t.set([1, 3]);
    expect([t.picker.pick([], []), t.picker.pick([], []), t.picker.pick([], [])]).toEqual([3, 1, 3]);
    expect(t.picker.pick([3], [])).toBe(1);
    expect(t.picker.pick([1, 3], [1], true)).toBeUndefined();
  });
});
