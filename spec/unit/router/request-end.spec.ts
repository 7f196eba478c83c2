import { Subject } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import { ErrorCode, type NodeReport, RouterError } from '../../../lib/errors.js';
import type { RouterRequest } from '../../../lib/router/request.js';
import type { RequestAttempt } from '../../../lib/router/request-attempt.js';
import { requestEnd } from '../../../lib/router/request-end.js';
import type { RouterEvent } from '../../../lib/router/router-event.js';
import { type Message, MessageType } from '../../../lib/wire/message.js';

const report: NodeReport = {
  nodeId: 1,
  address: '10.0.0.1:7000',
  status: 'suspect',
  reason: 'passive',
  manual: false,
  code: 'ERR_REQUEST_TIMEOUT',
  message: 'timed out',
};

/** A request as the end functions see it: its parts, subscriber and counters, nothing else. */
function request(o: {
  attempts?: number;
  lastErrors?: Map<number, unknown>;
  closing?: boolean;
  out?: unknown[];
}) {
  const events: RouterEvent[] = [];
  const closing$ = new Subject<void>();
  const subscriber = { next: vi.fn(), complete: vi.fn(), error: vi.fn() };
  const r = {
    id: 9,
    started: 100,
    type: MessageType.Data,
    idempotent: true,
    timeoutMs: 1000,
    attempts: o.attempts ?? 1,
    lastNode: 1,
    hardFailures: 0,
    state: 'sending',
    slow: o.lastErrors ? { lastErrors: o.lastErrors } : undefined,
    subscriber,
    stopWaiting: vi.fn(),
    takeOut: () => o.out ?? [],
    parts: {
      config: { scheduler: { now: () => 150 } },
      events: { observed: true, next: (e: RouterEvent) => events.push(e) },
      life: { closing: o.closing ?? false, closing$ },
      nodeErrors: { reportsOf: () => [report] },
    },
  };
  return { r: r as unknown as RouterRequest, subscriber, events, closing$, raw: r };
}

const timeout = () => new RouterError(ErrorCode.RequestTimeout, 'request 9 timed out', { retryable: true });

describe('requestEnd.fail', () => {
  it('a first-attempt error reaches the caller as it came; the request is done and stops waiting', () => {
    const { r, subscriber, events, raw } = request({});
    const err = timeout();
    requestEnd.fail(r, err);
    expect(subscriber.error).toHaveBeenCalledWith(err);
    expect(raw.state).toBe('done');
    expect(raw.stopWaiting).toHaveBeenCalledOnce();
    expect(events.map((e) => e.type)).toEqual(['requestFailed']);
  });

  it('a budget refusal: a copy with retryRefused, and a retryRefused event before requestFailed', () => {
    const { r, subscriber, events } = request({});
    const err = timeout();
    requestEnd.fail(r, err, 'budget');
    const got = subscriber.error.mock.calls[0]![0] as RouterError;
    expect(got).not.toBe(err);
    expect(got.retryRefused).toBe('budget');
    expect(events.map((e) => e.type)).toEqual(['retryRefused', 'requestFailed']);
  });

  it('gave up after retrying (count, deadline, budget): the error lists every node tried; not when it was closing', () => {
    for (const why of ['count', 'deadline', 'budget'] as const) {
      const { r, subscriber } = request({ attempts: 3, lastErrors: new Map([[1, timeout()]]) });
      requestEnd.fail(r, timeout(), why);
      const got = subscriber.error.mock.calls[0]![0] as RouterError;
      expect(got.nodes).toEqual([report]);
      expect(got.message).toContain('gave up after 3 attempts');
    }
    const { r, subscriber } = request({ attempts: 3, lastErrors: new Map([[1, timeout()]]) });
    requestEnd.fail(r, timeout(), 'closing');
    expect((subscriber.error.mock.calls[0]![0] as RouterError).nodes).toBeUndefined();
  });
});

describe('requestEnd.win', () => {
  const reply = { sequence: 1 } as unknown as Message;
  const attempt = (copy: number) =>
    ({
      nodeId: copy,
      copy,
      settled: false,
      detached: undefined,
      cancel: vi.fn(),
    }) as unknown as RequestAttempt;

  it('the reply, then complete; losers stay on their node until close() cancels them', () => {
    const loser = attempt(1);
    const { r, subscriber, events, closing$, raw } = request({ out: [loser] });
    requestEnd.win(r, attempt(2), reply);
    expect(subscriber.next).toHaveBeenCalledWith(reply);
    expect(subscriber.complete).toHaveBeenCalledOnce();
    expect(raw.lastNode).toBe(2);
    expect(events.map((e) => e.type)).toEqual(['hedgeWon', 'requestSucceeded']);
    expect(loser.cancel).not.toHaveBeenCalled();
    closing$.next();
    expect(loser.cancel).toHaveBeenCalledOnce();
  });

  it('while closing, losers are cancelled at once', () => {
    const loser = attempt(1);
    const { r } = request({ out: [loser], closing: true });
    requestEnd.win(r, attempt(2), reply);
    expect(loser.settled).toBe(true);
    expect(loser.cancel).toHaveBeenCalledOnce();
  });
});
