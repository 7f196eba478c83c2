import { describe, expect, it } from 'vitest';
import { ErrorCode, RouterError } from '../../../lib/errors.js';
import { heartbeat, type ProbeSample } from '../../../lib/streams/heartbeat.js';
import { runMarbles } from '../../support/marbles.js';

const summary = (s: ProbeSample) => (s.ok ? `ok@${s.at}:${s.rttMs}` : `${s.reason}@${s.at}`);

describe('heartbeat', () => {
  it('pings at once, then every interval, emitting round-trip times', () => {
    runMarbles((scheduler, { cold, expectObservable, expectSubscriptions }) => {
      const pong = cold('10ms (p|)');
      const hb = heartbeat(() => pong, { intervalMs: 100, timeoutMs: 50, scheduler });
      expectObservable(hb, '^ 350ms !').toBe('10ms a 99ms b 99ms c 99ms d', {
        a: { ok: true, at: 0, rttMs: 10 },
        b: { ok: true, at: 100, rttMs: 10 },
        c: { ok: true, at: 200, rttMs: 10 },
        d: { ok: true, at: 300, rttMs: 10 },
      });
      expectSubscriptions(pong.subscriptions).toBe([
        '^ 9ms !',
        '100ms ^ 9ms !',
        '200ms ^ 9ms !',
        '300ms ^ 9ms !',
      ]);
    });
  });

  it('never overlaps pings: a ping slower than the interval delays the next one', () => {
    runMarbles((scheduler, { cold, expectObservable, expectSubscriptions }) => {
      const slow = cold('150ms (p|)');
      const hb = heartbeat(() => slow, { intervalMs: 100, timeoutMs: 1000, scheduler });
      expectObservable(hb, '^ 400ms !').toBe('150ms a 149ms b', {
        a: { ok: true, at: 0, rttMs: 150 },
        b: { ok: true, at: 150, rttMs: 150 },
      });
      expectSubscriptions(slow.subscriptions).toBe(['^ 149ms !', '150ms ^ 149ms !', '300ms ^ 100ms !']);
    });
  });

  it('times out an unanswered ping and ignores its late pong; backs off while probes fail', () => {
    runMarbles((scheduler, { cold, expectSubscriptions }) => {
      const late = cold('80ms (p|)');
      const out: string[] = [];
      const hb = heartbeat(() => late, { intervalMs: 100, timeoutMs: 50, maxIntervalMs: 400, scheduler });
      const sub = hb.subscribe((s) => out.push(summary(s)));
      scheduler.schedule(() => sub.unsubscribe(), 1000);
      scheduler.flush();
      // waits: 100 after the 1st failure, 200 after the 2nd, 400 (capped) after the 3rd and later
      expect(out).toEqual(['timeout@0', 'timeout@100', 'timeout@300', 'timeout@700']);
      expectSubscriptions(late.subscriptions).toBe([
        '^ 49ms !',
        '100ms ^ 49ms !',
        '300ms ^ 49ms !',
        '700ms ^ 49ms !',
      ]);
    });
  });

  it('turns a ping error into a failed sample and keeps probing', () => {
    runMarbles((scheduler, { cold }) => {
      const refused = new RouterError(ErrorCode.ConnectRefused, 'refused', { retryable: true });
      let n = 0;
      const out: string[] = [];
      const hb = heartbeat(() => (n++ === 0 ? cold('#', {}, refused) : cold('5ms (p|)')), {
        intervalMs: 100,
        timeoutMs: 50,
        scheduler,
      });
      const sub = hb.subscribe((s) => out.push(summary(s)));
      scheduler.schedule(() => sub.unsubscribe(), 250);
      scheduler.flush();
      expect(out).toEqual(['error@0', 'ok@100:5', 'ok@200:5']);
    });
  });

  it('stops every timer on unsubscribe', () => {
    runMarbles((scheduler, { cold, expectObservable, expectSubscriptions }) => {
      const pong = cold('30ms (p|)');
      expectObservable(
        heartbeat(() => pong, { intervalMs: 100, timeoutMs: 50, scheduler }),
        '^ 20ms !',
      ).toBe('');
      expectSubscriptions(pong.subscriptions).toBe('^ 20ms !');
    });
  });
});
