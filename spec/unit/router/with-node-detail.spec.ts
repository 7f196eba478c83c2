import { describe, expect, it } from 'vitest';
import { type NodeReport, RequestTimeoutError } from '../../../lib/errors.js';
import { withNodeDetail } from '../../../lib/router/with-node-detail.js';

const nodes: NodeReport[] = [1, 2].map((nodeId) => ({
  nodeId,
  address: `10.0.0.${nodeId}:7000`,
  status: 'suspect',
  reason: 'passive',
  manual: false,
  code: 'ERR_REQUEST_TIMEOUT',
  message: `request to node ${nodeId} timed out`,
}));

describe('withNodeDetail', () => {
  it('a copy: same class, code, fields and first line; the nodes tried in `nodes` and below the first line', () => {
    const original = new RequestTimeoutError('request 7 to node 2 timed out after 500 ms', 500);
    const err = withNodeDetail(original, nodes, 4, 'deadline');
    expect(err).not.toBe(original);
    expect(err).toBeInstanceOf(RequestTimeoutError);
    expect(err).toMatchObject({ code: 'ERR_REQUEST_TIMEOUT', retryable: true, onConnectionMs: 500 });
    expect(err.message.split('\n')).toEqual([
      'request 7 to node 2 timed out after 500 ms',
      '  gave up after 4 attempts (the deadline left no time for another retry); the nodes tried:',
      '  node 1 10.0.0.1:7000: suspect (passive), last error ERR_REQUEST_TIMEOUT: request to node 1 timed out',
      '  node 2 10.0.0.2:7000: suspect (passive), last error ERR_REQUEST_TIMEOUT: request to node 2 timed out',
    ]);
    expect(err.nodes).toBe(nodes);
    // the original (maybe shared by other requests on the same connection) is untouched
    expect(original.message).toBe('request 7 to node 2 timed out after 500 ms');
    expect(original.nodes).toBeUndefined();
    expect(JSON.parse(JSON.stringify(err)).nodes).toEqual(nodes);
  });

  it('leaves an error that is not a RouterError as it is', () => {
    const thrown = new Error('user code');
    expect(withNodeDetail(thrown, nodes, 2, 'count')).toBe(thrown);
  });
});
