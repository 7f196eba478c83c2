import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { EventLog } from '../../../lib/dashboard/event-log.js';

const retry = (nodeId: number, code = 'ERR_CONNECTION_LOST') => ({
  type: 'retryScheduled',
  at: 1,
  requestId: 7,
  nodeId,
  attempt: 1,
  delayMs: 100,
  code,
});

describe('EventLog', () => {
  it('folds repeated events into one line with a count, moved to the top', () => {
    const log = new EventLog();
    for (let i = 0; i < 50; i++) log.add(retry(2), 1000 + i);
    log.add(retry(3), 2000);
    log.add(retry(2), 2001);
    expect(log.lines.map((l) => [l.nodeId, l.count])).toEqual([
      [2, 51],
      [3, 1],
    ]);
    expect(log.lines[0]!.first).toBe(1000);
    expect(log.lines[0]!.last).toBe(2001);
  });

  it('keeps status changes on lines of their own, so a flood of retries cannot hide them', () => {
    const log = new EventLog();
    const change = {
      type: 'nodeStatusChanged',
      at: 5,
      nodeId: 2,
      previous: 'up',
      status: 'down',
      reason: 'probe',
    };
    log.add(change, 1);
    for (let i = 0; i < 500; i++) log.add(retry(2), 2 + i);
    log.add({ ...change, at: 6 }, 600);
    expect(log.lines.filter((l) => l.kind === 'status')).toHaveLength(2);
    expect(log.lines).toHaveLength(3);
  });

  it('does not fold different codes or events older than the fold window; keeps at most max lines', () => {
    const log = new EventLog({ max: 10 });
    log.add(retry(2, 'ERR_A'), 0);
    log.add(retry(2, 'ERR_B'), 1);
    log.add(retry(2, 'ERR_A'), 120_000);
    expect(log.lines.map((l) => l.count)).toEqual([1, 1, 1]);
    for (let i = 0; i < 30; i++) log.add(retry(100 + i), 200_000 + i * 100);
    expect(log.lines).toHaveLength(10);
  });

  it('caps new lines per second and says so on a "not itemised" line that counts the rest', () => {
    const log = new EventLog({ maxNewLinesPerSecond: 5 });
    for (let i = 0; i < 12; i++) log.add(retry(i), 5000 + i);
    const sampling = log.lines.filter((l) => l.kind === 'sampling');
    expect(sampling).toHaveLength(1);
    expect(sampling[0]!.count).toBe(7);
    expect(sampling[0]!.text).toMatch(/not itemised: more than 5 new/);
    // a fault is never sampled away
    log.add({ type: 'fault', at: 1, text: 'fault injected: SIGKILL node 1' }, 5500);
    expect(log.lines[0]!.kind).toBe('fault');
  });

  it('hands each changed line to the feed once', () => {
    const log = new EventLog();
    log.add(retry(1), 1);
    log.add(retry(1), 2);
    log.add(retry(2), 3);
    const changed = log.takeChanged();
    expect(changed.map((l) => [l.nodeId, l.count])).toEqual([
      [1, 2],
      [2, 1],
    ]);
    expect(log.takeChanged()).toEqual([]);
  });

  test.prop([
    fc.array(fc.tuple(fc.integer({ min: 1, max: 4 }), fc.constantFrom('ERR_A', 'ERR_B')), { maxLength: 300 }),
  ])('counts every event exactly once (folded or on its own line)', (events) => {
    const log = new EventLog({ maxNewLinesPerSecond: 1000 });
    for (const [i, [node, code]] of events.entries()) log.add(retry(node, code), i);
    expect(log.lines.reduce((sum, l) => sum + l.count, 0)).toBe(events.length);
  });
});
