import { describe, expect, it } from 'vitest';
import { type BackoffPolicy, backoff } from '../../../lib/operators/backoff.js';

const policy: BackoffPolicy = {
  initialBackoffMs: 100,
  maxBackoffMs: 5000,
  backoffMultiplier: 2,
  jitter: 'none',
};

describe('backoff', () => {
  it('folds to 100, 200, 400 … capped at 5000 with the reference defaults', () => {
    const delays: number[] = [];
    let state = backoff.initial();
    for (let i = 0; i < 8; i++) {
      state = backoff.next(state, policy, () => 0.5);
      delays.push(state.delayMs);
    }
    expect(delays).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000]);
    expect(state.attempt).toBe(8);
  });

  it('never mutates a value', () => {
    const first = backoff.next(backoff.initial(), policy, () => 0);
    const frozen = Object.freeze({ ...first });
    expect(backoff.next(frozen, policy, () => 0)).toEqual({ attempt: 2, delayMs: 200 });
    expect(frozen).toEqual(first);
  });

  it('full jitter spans 0 to base, equal jitter base/2 to base', () => {
    const at = (jitter: BackoffPolicy['jitter'], r: number) =>
      backoff.next(
        backoff.next(backoff.initial(), { ...policy, jitter }, () => 0),
        { ...policy, jitter },
        () => r,
      ).delayMs;
    expect(at('full', 0)).toBe(0);
    expect(at('full', 0.999)).toBe(200);
    expect(at('equal', 0)).toBe(100);
    expect(at('equal', 0.999)).toBe(200);
  });
});
