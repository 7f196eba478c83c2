import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SlotTable } from '../../../lib/transport/slot-table.js';

describe('SlotTable', () => {
  it('skips a sequence whose slot is taken, and grows when half full keeping every entry findable', () => {
    const t = new SlotTable<{ sequence: number }>(16);
    const old = { sequence: 3 };
    t.put(old);
    expect(t.freeSequence(3 + 16)).toBe(3 + 16 + 1); // slot 3 is taken by 3: 19 is skipped
    for (let s = 100; t.size < 8; s++) t.put({ sequence: t.freeSequence(s) });
    expect(t.capacity).toBe(16);
    t.freeSequence(1000); // half full: grows first
    expect(t.capacity).toBe(32);
    expect(t.get(3)).toBe(old);
    expect(t.get(3 + 32)).toBeUndefined();
  });

  it('handles sequences past 2^32 (the slot is the low bits)', () => {
    const t = new SlotTable<{ sequence: number }>(16);
    const big = { sequence: 2 ** 40 + 5 };
    t.put(big);
    expect(t.get(2 ** 40 + 5)).toBe(big);
    expect(t.get(5)).toBeUndefined();
    expect(t.freeSequence(5)).toBe(6);
  });

  it('property: against a Map model, for any put / delete / lookups', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.record({ put: fc.nat(5000) }), fc.record({ del: fc.nat() })), {
          maxLength: 500,
        }),
        (ops) => {
          const t = new SlotTable<{ sequence: number }>(16);
          const model = new Map<number, { sequence: number }>();
          let next = 1;
          for (const op of ops) {
            if ('put' in op) {
              const s = t.freeSequence(next + (op.put % 7));
              expect(model.has(s)).toBe(false);
              const e = { sequence: s };
              t.put(e);
              model.set(s, e);
              next = s + 1;
            } else if (model.size > 0) {
              const keys = [...model.keys()];
              const k = keys[op.del % keys.length]!;
              expect(t.delete(model.get(k)!)).toBe(true);
              expect(t.delete(model.get(k)!)).toBe(false);
              model.delete(k);
            }
            expect(t.size).toBe(model.size);
          }
          for (const [k, e] of model) expect(t.get(k)).toBe(e);
          expect(t.entries().map((e) => e.sequence)).toEqual([...model.keys()].sort((a, b) => a - b));
          expect(t.capacity).toBeGreaterThanOrEqual(2 * model.size);
        },
      ),
    );
  });
});
