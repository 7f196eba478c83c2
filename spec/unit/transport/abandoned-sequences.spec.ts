import { describe, expect, it } from 'vitest';
import { AbandonedSequences } from '../../../lib/transport/abandoned-sequences.js';

describe('AbandonedSequences', () => {
  it('takes a remembered sequence once; an unknown one never', () => {
    const a = new AbandonedSequences();
    a.add(7);
    expect(a.take(8)).toBe(false);
    expect(a.take(7)).toBe(true);
    expect(a.take(7)).toBe(false);
    expect(a.size).toBe(0);
  });

  it('is bounded: past `max` the oldest is forgotten first', () => {
    const a = new AbandonedSequences(3);
    for (const s of [1, 2, 3, 4, 5]) a.add(s);
    expect(a.size).toBe(3);
    expect([1, 2, 3, 4, 5].map((s) => a.take(s))).toEqual([false, false, true, true, true]);
  });

  it('holds 65,536 by default', () => {
    const a = new AbandonedSequences();
    for (let s = 1; s <= 65_537; s++) a.add(s);
    expect(a.size).toBe(65_536);
    expect(a.take(1)).toBe(false);
    expect(a.take(2)).toBe(true);
  });
});
