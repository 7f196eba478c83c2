import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ExecutionCounter, executionKey } from '../../../lib/testing/execution-counter.js';

describe('executionKey', () => {
  it('is the payload up to the first space or newline, at most 64 bytes', () => {
    expect(executionKey('w:1 rest of it')).toBe('w:1');
    expect(executionKey(new TextEncoder().encode('id\nbody'))).toBe('id');
    expect(executionKey('x'.repeat(100))).toBe('x'.repeat(64));
    expect(executionKey('')).toBe('');
  });
});

describe('ExecutionCounter', () => {
  it('counts exactly while keys are tracked', () => {
    const c = new ExecutionCounter({ exactKeys: 10 });
    c.record('a 1');
    c.record('a 2');
    c.record('b');
    expect([c.count('a'), c.count('b'), c.count('c')]).toEqual([2, 1, 0]);
    expect([c.executions, c.repeated, c.evicted]).toEqual([3, 1, 0]);
  });

  it('keeps at most exactKeys keys in its map: a million distinct ids stay in bounded memory', () => {
    const c = new ExecutionCounter({ exactKeys: 1000, sketchWidth: 1 << 16 });
    for (let i = 0; i < 1_000_000; i++) c.record(`id:${i}`);
    expect((c as unknown as { exact: Map<string, number> }).exact.size).toBe(1000);
    expect(c.evicted).toBe(999_000);
    expect(c.count('id:999999')).toBe(1);
    // an evicted key: the sketch's estimate never under-counts
    expect(c.count('id:5')).toBeGreaterThanOrEqual(1);
  });

  it('counts a repeat within the exact window, not one after the key was evicted (the documented limit)', () => {
    const c = new ExecutionCounter({ exactKeys: 2 });
    c.record('a');
    c.record('b');
    c.record('a'); // within the window
    c.record('c'); // evicts a
    c.record('d'); // evicts b
    expect(c.count('a')).toBeGreaterThanOrEqual(2); // evicted: the sketch's upper bound
    c.record('a'); // back after its eviction: a new exact count
    expect(c.count('a')).toBe(1);
    expect(c.repeated).toBe(1);
  });

  test.prop([
    fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 2000 }),
    fc.integer({ min: 1, max: 400 }),
  ])(
    'exact without evictions; after them, never under-counts an evicted key and never invents a repeat',
    (ids, exactKeys) => {
      const c = new ExecutionCounter({ exactKeys, sketchWidth: 64 });
      const truth = new Map<number, number>();
      for (const id of ids) {
        c.record(`k${id}`);
        truth.set(id, (truth.get(id) ?? 0) + 1);
      }
      const tracked = (c as unknown as { exact: Map<string, number> }).exact;
      expect(tracked.size).toBeLessThanOrEqual(exactKeys);
      expect(c.repeated).toBeLessThanOrEqual(ids.length - truth.size);
      for (const [id, n] of truth) {
        if (c.evicted === 0) expect(c.count(`k${id}`)).toBe(n);
        else if (tracked.has(`k${id}`)) expect(c.count(`k${id}`)).toBeLessThanOrEqual(n);
        else expect(c.count(`k${id}`)).toBeGreaterThanOrEqual(n);
      }
      if (c.evicted === 0) expect(c.repeated).toBe(ids.length - truth.size);
    },
  );
});
