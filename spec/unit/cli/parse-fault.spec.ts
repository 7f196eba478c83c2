import { describe, expect, it } from 'vitest';
import { parseFault } from '../../../lib/cli/parse-fault.js';

describe('parseFault (qdb-router node --fault …)', () => {
  it('is undefined without --fault, and a fault with it', () => {
    expect(parseFault({})).toBeUndefined();
    expect(parseFault({ fault: 'gray' })).toEqual({ kind: 'gray' });
    expect(
      parseFault({ fault: 'slowloris', 'fault-rate': '0.5', 'bytes-per-write': '4', 'interval-ms': '10' }),
    ).toEqual({ kind: 'slowloris', rate: 0.5, bytesPerWrite: 4, intervalMs: 10 });
  });

  it.each([
    [{ fault: 'grey' }, /fault kind must be one of/],
    [{ fault: 'gray', 'fault-rate': 'half' }, /rate/],
    [{ 'fault-rate': '0.5' }, /--fault-rate needs --fault KIND/],
  ])('rejects %j with a usage error', (args, message) => {
    expect(() => parseFault(args)).toThrow(
      expect.objectContaining({ name: 'UsageError', message: expect.stringMatching(message) }),
    );
  });
});
