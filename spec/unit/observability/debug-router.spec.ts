import { NEVER, Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { debugRouter, nodeDebugLog } from '../../../lib/observability/debug-router.js';
import type { RouterEvent } from '../../../lib/router/router-event.js';
import type { Router } from '../../../lib/router/router-types.js';

describe('debugRouter', () => {
  it('writes one line per logged event to the log, until events$ completes; nothing without a log', () => {
    const events = new Subject<RouterEvent>();
    const router = {
      addresses: [{ id: 1, label: '127.0.0.1:7000' }],
      events$: events.asObservable(),
      health$: NEVER,
    } as unknown as Router;
    expect(debugRouter(router, undefined)).toBeUndefined();
    expect(events.observed).toBe(false);
    const lines: string[] = [];
    const sub = debugRouter(router, (l) => lines.push(l));
    events.next({ type: 'connectFailed', at: 0, nodeId: 1, code: 'ERR_CONNECT_REFUSED' });
    events.next({ type: 'heartbeatSucceeded', at: 0, nodeId: 1, rttMs: 1 });
    events.next({
      type: 'nodeStatusChanged',
      at: 0,
      nodeId: 1,
      previous: 'up',
      status: 'down',
      reason: 'connect',
    } as RouterEvent);
    events.complete();
    expect(lines).toEqual([
      'node 1 127.0.0.1:7000: connect failed ERR_CONNECT_REFUSED',
      'node 1 127.0.0.1:7000: up -> down (connect)',
    ]);
    expect(sub?.closed).toBe(true);
  });

  it('no log unless NODE_DEBUG names qdb-router (this process runs without it)', () => {
    expect(process.env.NODE_DEBUG ?? '').not.toMatch(/qdb/i);
    expect(nodeDebugLog()).toBeUndefined();
  });
});
