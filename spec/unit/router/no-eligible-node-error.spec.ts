import { describe, expect, it } from 'vitest';
import type { NodeReport } from '../../../lib/errors.js';
import { ErrorCode, isRetryable, RouterError } from '../../../lib/errors.js';
import { NoEligibleNodeError } from '../../../lib/router/no-eligible-node-error.js';

const report = (nodeId: number, code: string | null): NodeReport => ({
  nodeId,
  address: `127.0.0.1:${6999 + nodeId}`,
  status: 'down',
  reason: 'connect',
  manual: false,
  code,
  message: code && `127.0.0.1:${6999 + nodeId} refused the connection`,
});

describe('NoEligibleNodeError', () => {
  it('a request that tried no node: every node in `nodes` and the message, the latest node error as cause', () => {
    const latest = new RouterError(ErrorCode.ConnectRefused, '127.0.0.1:7002 refused the connection');
    const err = new NoEligibleNodeError(5001, new Map(), {
      nodes: [
        report(1, 'ERR_CONNECT_REFUSED'),
        report(2, 'ERR_CONNECT_REFUSED'),
        report(3, 'ERR_CONNECT_REFUSED'),
      ],
      latestNodeError: latest,
    });
    expect(err).toBeInstanceOf(RouterError);
    expect(err.code).toBe('ERR_NO_ELIGIBLE_NODE');
    expect(isRetryable(err)).toBe(true);
    expect(err.message.split('\n')[0]).toMatch(
      /^no node reachable within 5001 ms: 127\.0\.0\.1:7000 refused/,
    );
    expect(err.message.split('\n')[0]).toContain('is the cluster running?');
    expect(err.nodes.map((n) => [n.address, n.code])).toEqual([
      ['127.0.0.1:7000', 'ERR_CONNECT_REFUSED'],
      ['127.0.0.1:7001', 'ERR_CONNECT_REFUSED'],
      ['127.0.0.1:7002', 'ERR_CONNECT_REFUSED'],
    ]);
    expect(err.errors).toEqual([]);
    expect(err.nodeIds).toEqual([]);
    expect(err.cause).toBe(latest);
  });

  it("the request's own errors stay in `errors`/`nodeIds` (order tried) and the latest is the cause", () => {
    const a = new RouterError(ErrorCode.RequestTimeout, 'late');
    const b = new RouterError(ErrorCode.ConnectionLost, 'reset');
    const err = new NoEligibleNodeError(
      10,
      new Map<number, unknown>([
        [2, a],
        [1, b],
      ]),
      {
        nodes: [report(1, 'ERR_CONNECTION_LOST'), report(2, 'ERR_REQUEST_TIMEOUT')],
        latestNodeError: a,
      },
    );
    expect(err.nodeIds).toEqual([2, 1]);
    expect(err.errors).toEqual([a, b]);
    expect(err.cause).toBe(b);
  });

  it('without router detail, the nodes are those the request tried', () => {
    const err = new NoEligibleNodeError(10, new Map([[4, new RouterError('ERR_CONNECT_REFUSED', 'no')]]));
    expect(err.nodes).toEqual([
      {
        nodeId: 4,
        address: 'node 4',
        status: null,
        reason: null,
        manual: false,
        code: 'ERR_CONNECT_REFUSED',
        message: 'no',
      },
    ]);
    expect(err.message).toContain('node 4 refused (ERR_CONNECT_REFUSED)');
  });
});
