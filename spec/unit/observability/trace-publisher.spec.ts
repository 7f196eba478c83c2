import diagnostics_channel from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import { TraceChannel } from '../../../lib/observability/trace-channel.js';
import { tracePublisher } from '../../../lib/observability/trace-publisher.js';
import { traceRouter } from '../../../lib/observability/trace-router.js';
import type { RouterEvent } from '../../../lib/router/router-event.js';
import type { Router } from '../../../lib/router/router-types.js';

const end: RouterEvent = {
  type: 'requestSucceeded',
  at: 1,
  requestId: 3,
  nodeId: 1,
  durationMs: 2,
  attempts: 1,
};

describe('tracePublisher', () => {
  it('sees a subscriber at the very next check and publishes to it; inactive again once it leaves', () => {
    const router = {} as Router;
    const trace = tracePublisher(() => router);
    expect(trace.active()).toBe(false);
    const got: unknown[] = [];
    const onEnd = (m: unknown) => got.push(m);
    diagnostics_channel.subscribe(TraceChannel.End, onEnd);
    try {
      expect(trace.active()).toBe(true);
      trace.publish(end);
      trace.publish({
        type: 'requestStarted',
        at: 0,
        requestId: 4,
        messageType: 2,
        idempotent: true,
        timeoutMs: 5,
      });
      trace.publish({ type: 'poolStats', at: 0 } as unknown as RouterEvent);
      expect(got).toEqual([{ ...end, router }]);
    } finally {
      diagnostics_channel.unsubscribe(TraceChannel.End, onEnd);
    }
    expect(trace.active()).toBe(false);
  });

  it('traceRouter(router).stop() mutes that router only; traceRouter(router) again unmutes it', () => {
    const a = {} as Router;
    const b = {} as Router;
    const ta = tracePublisher(() => a);
    const tb = tracePublisher(() => b);
    const got: unknown[] = [];
    const onStatus = (m: unknown) => got.push((m as { router: unknown }).router);
    diagnostics_channel.subscribe(TraceChannel.NodeStatus, onStatus);
    const status = {
      type: 'nodeStatusChanged',
      at: 0,
      nodeId: 1,
      previous: 'up',
      status: 'down',
      reason: 'probe',
    };
    try {
      traceRouter(a).stop();
      expect(ta.active()).toBe(false);
      expect(tb.active()).toBe(true);
      ta.publish(status as RouterEvent);
      tb.publish(status as RouterEvent);
      traceRouter(a);
      ta.publish(status as RouterEvent);
      expect(got).toEqual([b, a]);
    } finally {
      diagnostics_channel.unsubscribe(TraceChannel.NodeStatus, onStatus);
    }
  });
});
