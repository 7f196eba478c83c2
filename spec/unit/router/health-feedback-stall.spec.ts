import { describe, expect, it } from 'vitest';
import { configDefaults } from '../../../lib/config.js';
import { RequestTimeoutError } from '../../../lib/errors.js';
import { HealthFeedback } from '../../../lib/router/health-feedback.js';
import { LoopLag } from '../../../lib/router/loop-lag.js';
import type { HealthSignal } from '../../../lib/streams/health-signal.js';
import { nodeHealth } from '../../../lib/streams/node-health.js';
import { StallClock } from '../../support/stall-clock.js';

// HealthFeedback's fair-chance rule against the client's own lateness beyond a plain stall (docs/api.md): a loop
// still busy after one, a timer that judges before the drift detector can report, pings behind our own requests.
const passiveFail = { nodeId: 1, kind: 'request', ok: false, hard: false };

function setup(latencyMs: number) {
  const feedback = new HealthFeedback(
    configDefaults.health,
    () => latencyMs,
    () => ({ ...nodeHealth.initial(1, 'n1', 0), status: 'up' as const }),
  );
  const signals: HealthSignal[] = [];
  feedback.signals$.subscribe((s) => signals.push(s));
  return { feedback, signals };
}

describe('HealthFeedback: a loop still busy after a stall (a 50,000-request burst) is not evidence either', () => {
  // Live, under load: a 1.5 s synchronous burst, then the loop works 0.4–0.6 s through replies and writes; the
  // attempts' deadline timers judge in that busy time, before the drift detector's next tick — and five timeouts
  // of a healthy node ejected it (passiveFall). In virtual time (StallClock) with the real LoopLag:
  function burst(busyMs: number) {
    const clock = new StallClock();
    const lag = new LoopLag(clock, 50, 100);
    lag.start();
    const feedback = new HealthFeedback(
      configDefaults.health, // timeoutMs 1000: a fair chance is 500 ms of the node's time
      () => 2,
      () => ({ ...nodeHealth.initial(1, 'n1', 0), status: 'up' as const }),
      () => clock.now(),
      (from, to) => lag.stalledMs(from, to),
    );
    const signals: HealthSignal[] = [];
    feedback.signals$.subscribe((s) => signals.push(s));
    clock.run(1000); // five attempts written at 1000, attempt timeout 1000
    clock.stall(1500); // the burst: 1000 → 2500
    clock.schedule(() => {
      clock.work(busyMs); // the loop works through the burst's replies and writes…
      for (let i = 0; i < 5; i++) {
        // …and the deadline timer (run late, deferred one turn) judges in the middle of it
        feedback.attempt(1, new RequestTimeoutError('late', clock.now() - 1000), 1000, { hardFailures: 0 });
      }
    }, 1);
    clock.run(4000);
    lag.stop();
    return signals;
  }

  it('timeouts judged while the loop works through a burst after a stall count nothing', () => {
    expect(burst(600)).toEqual([]);
  });

  it('a node silent for a whole attempt on a free loop still counts (five failures: ejected)', () => {
    const clock = new StallClock();
    const lag = new LoopLag(clock, 50, 100);
    lag.start();
    const feedback = new HealthFeedback(
      configDefaults.health,
      () => 2,
      () => ({ ...nodeHealth.initial(1, 'n1', 0), status: 'up' as const }),
      () => clock.now(),
      (from, to) => lag.stalledMs(from, to),
    );
    const signals: HealthSignal[] = [];
    feedback.signals$.subscribe((s) => signals.push(s));
    clock.run(2000);
    for (let i = 0; i < 5; i++)
      feedback.attempt(1, new RequestTimeoutError('silent', 1000), 1000, { hardFailures: 0 });
    expect(signals).toEqual(Array(5).fill(passiveFail));
    lag.stop();
  });

  it('a timer that fired late on a free loop gave the node all that time: it counts', () => {
    const { feedback, signals } = setup(2);
    feedback.attempt(1, new RequestTimeoutError('late timer', 1400), 1000, { hardFailures: 0 });
    expect(signals).toEqual([passiveFail]);
  });
});

describe('HealthFeedback.pingExcused: a ping timeout that is the client’s lateness', () => {
  function pings(stalls: Array<[number, number]>) {
    let now = 0;
    const feedback = new HealthFeedback(
      configDefaults.health, // timeoutMs 1000
      () => 2,
      () => undefined,
      () => now,
      (from, to) => stalls.reduce((sum, [a, b]) => sum + Math.max(0, Math.min(b, to) - Math.max(a, from)), 0),
    );
    return { feedback, at: (t: number) => (now = t) };
  }

  it('our loop stalled or saturated for more than half the ping’s time: excused', () => {
    const { feedback } = pings([[100, 700]]);
    expect(feedback.pingExcused(1, 0, 1000)).toBe(true); // 600 of 1000 ms stalled
    expect(feedback.pingExcused(1, 0, 1500)).toBe(false); // 900 ms of free loop, no answer: the node's silence
  });

  it('the node answered a request within the last health.timeoutMs of loop time: alive, the pong waits behind our requests', () => {
    const { feedback, at } = pings([[2000, 3000]]);
    at(1500);
    feedback.attempt(1, undefined, 1000, { hardFailures: 0 });
    at(2400);
    expect(feedback.pingExcused(1, 1000, 2400)).toBe(true); // answered 900 ms ago
    at(3400);
    expect(feedback.pingExcused(1, 2300, 3400)).toBe(true); // 1900 ms ago, but 1000 of them our stall
    at(4000);
    expect(feedback.pingExcused(1, 2900, 4000)).toBe(false); // 1500 ms of free loop since its last answer
    expect(feedback.pingExcused(2, 2900, 4000)).toBe(false); // another node: never answered
  });

  it('a stand-in for a ping answers within half the probe timeout, whatever our queue made of the reply time', () => {
    let now = 0;
    const feedback = new HealthFeedback(
      configDefaults.health,
      () => 2026,
      () => undefined,
      () => now,
    );
    feedback.attempt(1, undefined, 1000, { hardFailures: 0 });
    now = 100;
    expect(feedback.probeStandIn(1, true)).toBe(500);
  });
});
