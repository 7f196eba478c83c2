import { describe, expect, it } from 'vitest';
import { ErrorCode, RouterError } from '../../../lib/errors.js';
import { RequestAttempt } from '../../../lib/router/request-attempt.js';

describe('RequestAttempt', () => {
  it('reports its pool\u2019s outcome to its owner, with itself; cancel is a no-op until it is sent', () => {
    const seen: unknown[] = [];
    const owner = {
      attemptDone: (a: RequestAttempt, err: RouterError | undefined) => seen.push([a.nodeId, err?.code]),
    };
    const a = new RequestAttempt(owner, 3, 10, 500, 1);
    a.cancel();
    a.settle(new RouterError(ErrorCode.RequestTimeout, 't', { retryable: true }));
    expect(seen).toEqual([[3, ErrorCode.RequestTimeout]]);
    expect([a.at, a.timeoutMs, a.copy, a.settled, a.detached]).toEqual([10, 500, 1, false, undefined]);
  });
});
