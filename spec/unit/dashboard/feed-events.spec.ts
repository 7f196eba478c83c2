import { describe, expect, it } from 'vitest';
import { describeEvent, foldEvent, type LogLine, parseFeed } from '../../../lib/dashboard/feed-events.js';

const retry = (nodeId: number, code = 'ERR_CONNECTION_LOST') => ({
  type: 'retryScheduled',
  at: 1,
  requestId: 7,
  nodeId,
  attempt: 1,
  delayMs: 100,
  code,
});

describe('foldEvent', () => {
  it('folds repeated events into one line with a count, moved to the top', () => {
    let log: LogLine[] = [];
    for (let i = 0; i < 50; i++) log = foldEvent(log, retry(2), 1000 + i);
    log = foldEvent(log, retry(3), 2000);
    log = foldEvent(log, retry(2), 2001);
    expect(log.map((l) => [l.text, l.count])).toEqual([
      ['retry: an attempt on node 2 failed with ERR_CONNECTION_LOST', 51],
      ['retry: an attempt on node 3 failed with ERR_CONNECTION_LOST', 1],
    ]);
    expect(log[0]!.first).toBe(1000);
    expect(log[0]!.last).toBe(2001);
  });

  it('keeps status changes on lines of their own, so a flood of retries cannot hide them', () => {
    let log: LogLine[] = [];
    const change = {
      type: 'nodeStatusChanged',
      at: 5,
      nodeId: 2,
      previous: 'up',
      status: 'down',
      reason: 'probe',
    };
    log = foldEvent(log, change, 1);
    for (let i = 0; i < 500; i++) log = foldEvent(log, retry(2), 2 + i);
    log = foldEvent(log, { ...change, at: 6 }, 600);
    expect(log.filter((l) => l.kind === 'status')).toHaveLength(2);
    expect(log).toHaveLength(3);
    expect(log[2]!.text).toBe('node 2: up → down — heartbeat pings go unanswered');
  });

  it('does not fold different codes or events older than the fold window', () => {
    let log = foldEvent([], retry(2, 'ERR_A'), 0);
    log = foldEvent(log, retry(2, 'ERR_B'), 1);
    log = foldEvent(log, retry(2, 'ERR_A'), 120_000);
    expect(log.map((l) => l.count)).toEqual([1, 1, 1]);
  });

  it('keeps at most max lines', () => {
    let log: LogLine[] = [];
    for (let i = 0; i < 30; i++) log = foldEvent(log, retry(i), i, 60_000, 10);
    expect(log).toHaveLength(10);
  });
});

describe('describeEvent and parseFeed', () => {
  it('says events in words and names the node when the event carries it', () => {
    expect(describeEvent({ type: 'requestFailed', at: 1, code: 'ERR_X', nodeId: 3 }).text).toBe(
      'request failed: ERR_X (last tried node 3)',
    );
    expect(describeEvent({ type: 'retryScheduled', at: 1, code: 'ERR_X' }).text).toBe(
      'retry: an attempt failed with ERR_X',
    );
  });

  it('skips bad data instead of throwing', () => {
    expect(parseFeed('health', '{not json')).toBeUndefined();
    expect(parseFeed('health', '{"nodes": 5}')).toBeUndefined();
    expect(parseFeed('stats', '42')).toBeUndefined();
    expect(parseFeed('mystery', '{}')).toBeUndefined();
    expect(parseFeed('history', '[]')).toEqual([]);
    expect(parseFeed('event', '{"type":"x","at":1}')).toEqual({ type: 'x', at: 1 });
  });
});
