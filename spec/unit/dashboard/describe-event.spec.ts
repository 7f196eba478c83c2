import { describe, expect, it } from 'vitest';
import { describeEvent } from '../../../lib/dashboard/describe-event.js';

const text = (e: Record<string, unknown>) => describeEvent({ at: 1, ...e } as never).text;

describe('describeEvent', () => {
  it('never blames a node for an error that tried no node', () => {
    const retry = text({ type: 'retryScheduled', nodeId: 1, code: 'ERR_NO_ELIGIBLE_NODE', delayMs: 100 });
    expect(retry).toBe('retry: no node was eligible for a request; trying again after 100 ms');
    expect(retry).not.toContain('node 1');
    const ping = text({ type: 'heartbeatFailed', nodeId: 2, code: 'ERR_NO_ELIGIBLE_NODE' });
    expect(ping).toBe('node 2: heartbeat not sent — no usable connection to it (ERR_NO_ELIGIBLE_NODE)');
    expect(ping).not.toMatch(/ping failed/);
    expect(text({ type: 'requestFailed', nodeId: 3, code: 'ERR_NO_ELIGIBLE_NODE' })).not.toContain('node 3');
  });

  it('says what an error means for the node, with the code', () => {
    expect(text({ type: 'retryScheduled', nodeId: 2, code: 'ERR_CONNECTION_LOST', delayMs: 200 })).toBe(
      'retry: an attempt on node 2 failed (its connection broke: ERR_CONNECTION_LOST); retrying after 200 ms',
    );
    expect(text({ type: 'connectFailed', nodeId: 1, code: 'ERR_CONNECT_REFUSED' })).toBe(
      'node 1: could not connect — refuses connections (nothing listens on its port) (ERR_CONNECT_REFUSED)',
    );
    expect(text({ type: 'requestFailed', nodeId: 3, code: 'ERR_X' })).toBe(
      'request failed: ERR_X (last tried node 3)',
    );
  });

  it('renders the membership, credentials and budget events, and unknown ones generically', () => {
    expect(text({ type: 'nodeAdded', nodeId: 4, address: '10.0.0.4:7000' })).toBe(
      'node 4 added (10.0.0.4:7000)',
    );
    expect(text({ type: 'nodeDraining', nodeId: 2, inFlight: 3 })).toContain('draining');
    expect(text({ type: 'nodeRemoved', nodeId: 2, reason: 'membership' })).toBe(
      'node 2 removed (membership)',
    );
    expect(text({ type: 'authFailed', nodeId: 1, code: 'ERR_AUTH_FAILED' })).toContain(
      'credentials rejected',
    );
    expect(
      text({ type: 'retryRefused', nodeId: 1, code: 'ERR_REQUEST_TIMEOUT', reason: 'budget' }),
    ).toContain('retry refused by the retry budget');
    expect(text({ type: 'somethingNew', nodeId: 5, code: 'ERR_Y', n: 2, nested: { a: 1 } })).toBe(
      'somethingNew node 5: code=ERR_Y, n=2',
    );
    expect(describeEvent({ type: 'somethingNew', at: 1 }).kind).toBe('info');
  });

  it('keeps status changes and faults on lines of their own (keys differ by time)', () => {
    const a = describeEvent({
      type: 'nodeStatusChanged',
      at: 1,
      nodeId: 2,
      previous: 'up',
      status: 'down',
      reason: 'probe',
    });
    const b = describeEvent({
      type: 'nodeStatusChanged',
      at: 2,
      nodeId: 2,
      previous: 'up',
      status: 'down',
      reason: 'probe',
    });
    expect(a.kind).toBe('status');
    expect(a.key).not.toBe(b.key);
    expect(a.text).toBe('node 2: up → down — heartbeat pings go unanswered');
    expect(describeEvent({ type: 'fault', at: 3, text: 'fault injected: SIGKILL node 1' }).kind).toBe(
      'fault',
    );
  });
});
