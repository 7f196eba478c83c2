import { describe, expect, it } from 'vitest';
import { ErrorCode, RequestTimeoutError, RouterError } from '../../../lib/errors.js';
import { withRetryRefused } from '../../../lib/operators/with-retry-refused.js';

describe('withRetryRefused', () => {
  it('copies the error with retryRefused set, leaving the original (shared by other requests) untouched', () => {
    const cause = new Error('socket hang up');
    const shared = new RouterError(ErrorCode.ConnectionLost, 'connection 3 to node 2 was lost', {
      retryable: true,
      cause,
    });
    const refused = withRetryRefused(shared, 'budget');
    expect(refused).not.toBe(shared);
    expect(refused).toBeInstanceOf(RouterError);
    expect(refused).toMatchObject({
      code: ErrorCode.ConnectionLost,
      retryable: true,
      message: 'connection 3 to node 2 was lost',
      cause,
      retryRefused: 'budget',
    });
    expect(refused.stack).toBe(shared.stack);
    expect(shared.retryRefused).toBeUndefined();
    expect('retryRefused' in shared).toBe(false);
    expect(JSON.parse(JSON.stringify(refused))).toMatchObject({
      code: ErrorCode.ConnectionLost,
      retryRefused: 'budget',
    });
  });

  it('keeps the subclass and its fields', () => {
    const timeout = new RequestTimeoutError('request 7 to node 1 timed out', 1234);
    const refused = withRetryRefused(timeout, 'budget');
    expect(refused).toBeInstanceOf(RequestTimeoutError);
    expect(refused.onConnectionMs).toBe(1234);
    expect(refused.name).toBe('RequestTimeoutError');
  });

  it('leaves a non-RouterError as it is', () => {
    const plain = new TypeError('from user code');
    expect(withRetryRefused(plain, 'budget')).toBe(plain);
  });
});
