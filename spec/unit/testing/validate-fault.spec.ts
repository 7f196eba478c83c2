import { describe, expect, it } from 'vitest';
import { faultKinds } from '../../../lib/testing/fault.js';
import { validateFault } from '../../../lib/testing/validate-fault.js';

describe('validateFault', () => {
  it('knows exactly the twelve kinds of the fault catalogue (docs/testing.md)', () => {
    expect(faultKinds).toEqual([
      'gray',
      'wrong-type',
      'bad-error-json',
      'garbage',
      'bad-checksum',
      'wrong-sequence',
      'duplicate-reply',
      'huge-length',
      'slowloris',
      'never-read',
      'close-on-accept',
      'reset-mid-reply',
    ]);
  });

  it('fills in the defaults', () => {
    expect(validateFault({ kind: 'slowloris' })).toEqual({
      kind: 'slowloris',
      rate: 1,
      target: 'data',
      bytesPerWrite: 1,
      intervalMs: 50,
      durationMs: undefined,
    });
    expect(validateFault({ kind: 'gray', rate: 0.25, target: 'all', durationMs: 10 })).toMatchObject({
      rate: 0.25,
      target: 'all',
      durationMs: 10,
    });
  });

  it.each([
    [null, /must be an object/],
    [{ kind: 'grey' }, /fault kind must be one of gray/],
    [{ kind: 'gray', rate: 1.5 }, /rate must be a number in \[0, 1\], got 1.5/],
    [{ kind: 'gray', rate: Number.NaN }, /rate/],
    [{ kind: 'gray', target: 'pings' }, /target/],
    [{ kind: 'slowloris', bytesPerWrite: 0 }, /bytesPerWrite/],
    [{ kind: 'slowloris', intervalMs: 1.5 }, /intervalMs/],
    [{ kind: 'gray', durationMs: 0 }, /durationMs/],
    [{ kind: 'gray', ratio: 1 }, /unknown fault field "ratio"/],
  ])('rejects %j naming the field', (fault, message) => {
    expect(() => validateFault(fault)).toThrow(message);
  });
});
