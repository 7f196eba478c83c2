import { describe, expect, it } from 'vitest';
import { ErrorCode, RouterError } from '../../../lib/errors.js';
import { allRejectedError } from '../../../lib/router/all-rejected-error.js';
import type { ClusterHealth } from '../../../lib/types.js';

const cluster = (ids: number[]) => ({
  latest: { nodes: new Map(ids.map((id) => [id, {}])) } as unknown as ClusterHealth,
});

describe('allRejectedError', () => {
  it('is the last credentials rejection the request saw, as it came', () => {
    const timeout = new RouterError(ErrorCode.RequestTimeout, 'timed out', { retryable: true });
    const rejected = new RouterError(ErrorCode.AuthFailed, 'node 2 rejected the token');
    const lastErrors = new Map<number, unknown>([
      [1, timeout],
      [2, rejected],
    ]);
    expect(allRejectedError(lastErrors, cluster([1, 2]))).toBe(rejected);
  });

  it('without a rejection seen: ERR_AUTH_FAILED naming every node, not retryable', () => {
    const timeout = new RouterError(ErrorCode.RequestTimeout, 'timed out', { retryable: true });
    for (const lastErrors of [undefined, new Map<number, unknown>([[1, timeout]])]) {
      const err = allRejectedError(lastErrors, cluster([1, 3]));
      expect(err.code).toBe(ErrorCode.AuthFailed);
      expect(err.retryable).toBe(false);
      expect(err.message).toBe("every node rejected the router's credentials (nodes 1, 3)");
    }
  });

  it('before any health snapshot: names no node', () => {
    expect(allRejectedError(undefined, { latest: undefined }).message).toMatch(/\(nodes \)$/);
  });
});
