import { describe, expect, it } from 'vitest';
import { debugLine } from '../../../lib/observability/debug-line.js';
import type { RouterEvent } from '../../../lib/router/router-event.js';

const addressOf = (id: number) => (id <= 3 ? `127.0.0.1:${6999 + id}` : undefined);
const line = (event: unknown) => debugLine(event as RouterEvent, addressOf);

describe('debugLine', () => {
  it('connections: open, closed with why, failed connects with the code', () => {
    expect(line({ type: 'connectionCreated', at: 0, nodeId: 1, connectionId: 4 })).toBe(
      'node 1 127.0.0.1:7000: connection 4 open',
    );
    expect(line({ type: 'connectionClosed', at: 0, nodeId: 2, connectionId: 5, reason: 'lost' })).toBe(
      'node 2 127.0.0.1:7001: connection 5 closed (lost)',
    );
    expect(line({ type: 'connectFailed', at: 0, nodeId: 3, code: 'ERR_CONNECT_REFUSED' })).toBe(
      'node 3 127.0.0.1:7002: connect failed ERR_CONNECT_REFUSED',
    );
  });

  it('health: failed heartbeats, status changes with the reason, ejections with their length', () => {
    expect(line({ type: 'heartbeatFailed', at: 0, nodeId: 1, code: 'ERR_REQUEST_TIMEOUT' })).toBe(
      'node 1 127.0.0.1:7000: heartbeat failed ERR_REQUEST_TIMEOUT',
    );
    expect(
      line({
        type: 'nodeStatusChanged',
        at: 0,
        nodeId: 1,
        previous: 'joining',
        status: 'down',
        reason: 'connect',
      }),
    ).toBe('node 1 127.0.0.1:7000: joining -> down (connect)');
    expect(line({ type: 'nodeEjected', at: 100, nodeId: 2, untilAt: 30100, times: 1 })).toBe(
      'node 2 127.0.0.1:7001: ejected by passive health for 30000 ms (ejection 1)',
    );
  });

  it('retry decisions: the failed attempt, its code and the wait; hedges; the final failure', () => {
    expect(
      line({
        type: 'retryScheduled',
        at: 0,
        requestId: 7,
        nodeId: 2,
        attempt: 1,
        delayMs: 100.4,
        code: 'ERR_CONNECTION_LOST',
      }),
    ).toBe('request 7: attempt 1 on node 2 127.0.0.1:7001 failed ERR_CONNECTION_LOST; retry in 100 ms');
    expect(line({ type: 'hedgeSent', at: 0, requestId: 7, nodeId: 3, attempt: 2 })).toBe(
      'request 7: hedge copy 2 to node 3 127.0.0.1:7002',
    );
    expect(line({ type: 'hedgeWon', at: 0, requestId: 7, nodeId: 3, attempt: 2 })).toBe(
      'request 7: hedge copy 2 on node 3 127.0.0.1:7002 answered first',
    );
    expect(
      line({
        type: 'requestFailed',
        at: 0,
        requestId: 8,
        code: 'ERR_NO_ELIGIBLE_NODE',
        durationMs: 5001.2,
        attempts: 0,
      }),
    ).toBe('request 8: failed ERR_NO_ELIGIBLE_NODE after 0 attempts in 5001 ms, no node tried');
    expect(
      line({
        type: 'requestFailed',
        at: 0,
        requestId: 9,
        nodeId: 1,
        code: 'ERR_CONNECTION_LOST',
        durationMs: 3,
        attempts: 1,
        poison: true,
      }),
    ).toBe(
      'request 9: failed ERR_CONNECTION_LOST after 1 attempt in 3 ms, last on node 1 127.0.0.1:7000 (poison suspect: not retried further)',
    );
  });

  it('routine events print nothing', () => {
    for (const type of [
      'requestStarted',
      'attemptStarted',
      'requestSucceeded',
      'heartbeatSucceeded',
      'poolStats',
    ])
      expect(line({ type, at: 0, nodeId: 1, requestId: 1 })).toBeUndefined();
  });

  it('an event type added later (membership, refused retries) still reads, on one line', () => {
    expect(line({ type: 'nodeAdded', at: 5, nodeId: 4, address: '127.0.0.1:7003' })).toBe(
      'nodeAdded node 4 address=127.0.0.1:7003',
    );
    expect(
      line({
        type: 'retryRefused',
        at: 5,
        requestId: 3,
        nodeId: 1,
        reason: 'budget',
        code: 'ERR_REQUEST_TIMEOUT',
      }),
    ).toBe('retryRefused request 3 node 1 127.0.0.1:7000 reason=budget code=ERR_REQUEST_TIMEOUT');
    expect(line({ type: 'membershipWarning', at: 5, message: 'line one\nline two' })).toBe(
      'membershipWarning message="line one\\nline two"',
    );
  });
});
