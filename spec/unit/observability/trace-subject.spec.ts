import diagnostics_channel from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import { TraceChannel } from '../../../lib/observability/trace-channel.js';
import { tracePublisher } from '../../../lib/observability/trace-publisher.js';
import { TraceSubject } from '../../../lib/observability/trace-subject.js';
import type { RouterEvent } from '../../../lib/router/router-event.js';

const started = (requestId: number): RouterEvent => ({
  type: 'requestStarted',
  at: 0,
  requestId,
  messageType: 2,
  idempotent: true,
  timeoutMs: 100,
});

describe('TraceSubject', () => {
  it('is observed while events$ or a channel has a subscriber, checked at each event; feeds both', () => {
    const router = {};
    const events = new TraceSubject(tracePublisher(() => router));
    expect(events.observed).toBe(false);
    const channel: number[] = [];
    const onStart = (m: unknown) => channel.push((m as { requestId: number }).requestId);
    diagnostics_channel.subscribe(TraceChannel.RequestStart, onStart);
    try {
      expect(events.observed).toBe(true); // the very next check sees the subscriber: nothing polled
      events.next(started(1));
      const subscribed: number[] = [];
      const sub = events.subscribe((e) => subscribed.push((e as { requestId: number }).requestId));
      events.next(started(2));
      sub.unsubscribe();
      expect(channel).toEqual([1, 2]);
      expect(subscribed).toEqual([2]);
      events.complete();
      expect(events.observed).toBe(false);
      events.next(started(3));
      expect(channel).toEqual([1, 2]);
    } finally {
      diagnostics_channel.unsubscribe(TraceChannel.RequestStart, onStart);
    }
    expect(new TraceSubject(tracePublisher(() => router)).observed).toBe(false);
  });
});
