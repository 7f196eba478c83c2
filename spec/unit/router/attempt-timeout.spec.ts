import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { attemptTimeout } from '../../../lib/router/attempt-timeout.js';

const base = {
  configuredMs: undefined,
  healthTimeoutMs: 1000,
  latencyMs: 2,
  requestTimeoutMs: 5000,
  canRetry: true,
};

describe('attemptTimeout', () => {
  it('derived: health.timeoutMs, or 4 × the node latency when larger, at most half the request timeout', () => {
    expect(attemptTimeout({ ...base, remainingMs: 5000 })).toBe(1000);
    expect(attemptTimeout({ ...base, latencyMs: 400, remainingMs: 5000 })).toBe(1600);
    expect(attemptTimeout({ ...base, latencyMs: 2000, remainingMs: 5000 })).toBe(2500);
    expect(attemptTimeout({ ...base, requestTimeoutMs: 600, remainingMs: 600 })).toBe(300);
  });

  it('without a possible retry the attempt keeps the whole remaining deadline', () => {
    expect(attemptTimeout({ ...base, canRetry: false, remainingMs: 4200 })).toBe(4200);
  });

  it('a configured value wins, always cut to the deadline', () => {
    expect(attemptTimeout({ ...base, configuredMs: 250, remainingMs: 5000 })).toBe(250);
    expect(attemptTimeout({ ...base, configuredMs: 250, remainingMs: 40 })).toBe(40);
  });

  test.prop([
    fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: undefined }),
    fc.integer({ min: 1, max: 5000 }),
    fc.integer({ min: -1, max: 5000 }),
    fc.integer({ min: 1, max: 10_000 }),
    fc.boolean(),
    fc.integer({ min: 0, max: 10_000 }),
  ])(
    'never beyond the remaining deadline, never negative',
    (configuredMs, health, latency, request, canRetry, remaining) => {
      const ms = attemptTimeout({
        configuredMs,
        healthTimeoutMs: health,
        latencyMs: latency,
        requestTimeoutMs: request,
        canRetry,
        remainingMs: remaining,
      });
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThanOrEqual(remaining);
    },
  );
});
