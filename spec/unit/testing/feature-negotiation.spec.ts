import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { allFeatures, Feature, featureNegotiation } from '../../../lib/testing/feature-negotiation.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('featureNegotiation (bincode, as the reference client)', () => {
  it('writes a u64 LE count, then each feature as a u32 LE variant index', () => {
    expect(hex(featureNegotiation.encode([]))).toBe('0000000000000000');
    expect(hex(featureNegotiation.encode([Feature.Compression, Feature.Heartbeat]))).toBe(
      '02000000000000000000000001000000',
    );
    expect(hex(featureNegotiation.encode([Feature.Streaming]))).toBe('010000000000000002000000');
  });

  test.prop([fc.array(fc.constantFrom(...allFeatures), { maxLength: 6 })])(
    'decodes what it encodes',
    (list) => {
      expect(featureNegotiation.decode(featureNegotiation.encode(list))).toEqual(list);
    },
  );

  it.each([
    ['', /not a bincode feature list \(0 bytes\)/],
    ['0100000000000000', /not a bincode feature list/],
    ['010000000000000003000000', /unknown feature index 3/],
    ['00000000000000000000', /not a bincode feature list \(10 bytes\)/],
  ])('rejects %s', (h, message) => {
    expect(() => featureNegotiation.decode(Buffer.from(h, 'hex'))).toThrow(message);
  });
});
