import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { probe } from '../../../lib/router/probe.js';
import type { RouterEvent } from '../../../lib/router/router-event.js';
import { advanceTo } from '../../../lib/testing/advance-to.js';
import { memoryConnector } from '../../../lib/testing/memory-connector.js';
import { Pool } from '../../../lib/transport/pool.js';
import { MessageType } from '../../../lib/wire/message.js';

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function setup(standIn: () => number | undefined) {
  const scheduler = new VirtualTimeScheduler();
  let pings = 0;
  const memory = memoryConnector({
    scheduler,
    latencyMs: () => 30,
    respond: (request) => {
      if (request.type === MessageType.Ping) pings++;
      return {
        type: request.type === MessageType.Ping ? MessageType.Pong : request.type,
        payload: request.payload,
      };
    },
  });
  const pool = new Pool(
    1,
    (signal) => memory.connect(1, signal),
    {},
    scheduler,
    () => {},
  );
  const events: RouterEvent[] = [];
  const probe$ = probe({
    pool,
    nodeId: 1,
    timeoutMs: 100,
    scheduler,
    emit: (e) => events.push(e()),
    standIn,
  });
  return { scheduler, probe$, events, pings: () => pings };
}

describe('probe', () => {
  it('sends a ping on the node\u2019s pool and reports heartbeatSucceeded with its round trip', async () => {
    const t = setup(() => undefined);
    const got: unknown[] = [];
    t.probe$.subscribe((v) => got.push(v));
    await settle();
    advanceTo(t.scheduler, 50);
    expect(got).toHaveLength(1);
    expect(t.pings()).toBe(1);
    expect(t.events).toEqual([{ type: 'heartbeatSucceeded', at: 30, nodeId: 1, rttMs: 30 }]);
  });

  it('a stand-in (full pool, recent answers): no ping is sent; the probe answers after the given reply time', async () => {
    const t = setup(() => 7);
    const got: unknown[] = [];
    t.probe$.subscribe((v) => got.push(v));
    await settle();
    advanceTo(t.scheduler, 6);
    expect(got).toEqual([]);
    advanceTo(t.scheduler, 50);
    expect(got).toHaveLength(1);
    expect(t.pings()).toBe(0);
    expect(t.events).toEqual([{ type: 'heartbeatSucceeded', at: 7, nodeId: 1, rttMs: 7 }]);
  });

  it('a probe abandoned unanswered (the heartbeat\u2019s timeout) counts as failed', async () => {
    const t = setup(() => undefined);
    const sub = t.probe$.subscribe();
    await settle();
    advanceTo(t.scheduler, 10);
    sub.unsubscribe();
    expect(t.events).toEqual([{ type: 'heartbeatFailed', at: 10, nodeId: 1, code: 'ERR_REQUEST_TIMEOUT' }]);
  });
});
