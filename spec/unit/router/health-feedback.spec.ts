import { describe, expect, it } from 'vitest';
import { configDefaults } from '../../../lib/config.js';
import { ErrorCode, RemoteError, RequestTimeoutError, RouterError } from '../../../lib/errors.js';
import { HealthFeedback } from '../../../lib/router/health-feedback.js';
import type { HealthSignal } from '../../../lib/streams/health-signal.js';
import { nodeHealth } from '../../../lib/streams/node-health.js';
import type { NodeHealth } from '../../../lib/types.js';

const err = (code: string) => new RouterError(code, code, { retryable: true });

function setup(latencyMs = 2, health: NodeHealth = { ...nodeHealth.initial(1, 'n1', 0), status: 'up' }) {
  const feedback = new HealthFeedback(
    configDefaults.health,
    () => latencyMs,
    () => health,
  );
  const signals: HealthSignal[] = [];
  feedback.signals$.subscribe((s) => signals.push(s));
  return { feedback, signals };
}
const passiveFail = { nodeId: 1, kind: 'request', ok: false, hard: false };

describe('HealthFeedback', () => {
  it('a timeout counts only when the attempt gave the node a fair chance', () => {
    const { feedback, signals } = setup(2);
    expect(feedback.fairTimeoutMs(1)).toBe(500); // max(health.timeoutMs / 2, 4 × 2 ms)
    feedback.attempt(1, err(ErrorCode.RequestTimeout), 499, { hardFailures: 0 });
    expect(signals).toEqual([]);
    feedback.attempt(1, err(ErrorCode.RequestTimeout), 500, { hardFailures: 0 });
    expect(signals).toEqual([passiveFail]);
    expect(setup(300).feedback.fairTimeoutMs(1)).toBe(1200);
  });

  it('judges a timeout by the time the request spent on the node, not waiting in the pool for a connection', () => {
    const { feedback, signals } = setup(2);
    // a 1000 ms attempt that queued 900 ms for a connection gave the node 100 ms: not a fair chance
    feedback.attempt(1, new RequestTimeoutError('queued', 100), 1000, { hardFailures: 0 });
    expect(signals).toEqual([]);
    feedback.attempt(1, new RequestTimeoutError('silent', 600), 1000, { hardFailures: 0 });
    expect(signals).toEqual([passiveFail]);
  });

  it('local failures say nothing of the node', () => {
    const { feedback, signals } = setup();
    for (const code of [
      ErrorCode.AcquireTimeout,
      ErrorCode.TooManyInFlight,
      ErrorCode.Backpressure,
      ErrorCode.PoolClosed,
      ErrorCode.RouterClosed,
      ErrorCode.NoEligibleNode,
      ErrorCode.ConnectionClosed,
      ErrorCode.InvalidPayload,
      ErrorCode.ConnectRefused, // reported once, by the pool's connectFailed event
    ]) {
      feedback.attempt(1, err(code), 5000, { hardFailures: 0 });
    }
    expect(signals).toEqual([]);
  });

  it('a retryable error reply is a passive failure; a non-retryable one is an answer', () => {
    const { feedback, signals } = setup(2, {
      ...nodeHealth.initial(1, 'n1', 0),
      status: 'suspect',
      passiveFailures: 1,
    });
    feedback.attempt(1, new RemoteError('BUSY', 'busy', true, 1), 1000, { hardFailures: 0 });
    feedback.attempt(1, new RemoteError('BAD', 'no', false, 1), 1000, { hardFailures: 0 });
    expect(signals).toEqual([passiveFail, { nodeId: 1, kind: 'request', ok: true }]);
  });

  it('a broken connection counts once per incident, however many requests were on it, once they have ended', () => {
    const { feedback, signals } = setup();
    const requests = Array.from({ length: 5 }, () => ({ hardFailures: 0 }));
    for (const r of requests) feedback.attempt(1, err(ErrorCode.ConnectionLost), 1000, r);
    feedback.pool({ type: 'connectionClosed', nodeId: 1, connectionId: 7, reason: 'lost' });
    expect(signals).toEqual([]); // not yet: one of them could be poison
    for (const r of requests) feedback.ended(r);
    expect(signals).toEqual([passiveFail]);
    feedback.pool({ type: 'connectionClosed', nodeId: 1, connectionId: 8, reason: 'corrupt' }); // idle, alone
    expect(signals).toEqual([passiveFail, passiveFail]);
    feedback.pool({ type: 'connectionClosed', nodeId: 1, connectionId: 9, reason: 'lost', leased: true });
    expect(signals).toEqual([passiveFail, passiveFail]); // a leased connection's end is its holder's
  });

  it('the poison rule comes before health: a request that broke connections on two nodes costs neither node', () => {
    const { feedback, signals } = setup();
    const poison = { hardFailures: 0 };
    const bystander = { hardFailures: 0 }; // shared the poison's connection on node 1
    feedback.attempt(1, err(ErrorCode.ConnectionLost), 1000, bystander);
    feedback.attempt(1, err(ErrorCode.ConnectionLost), 1000, poison);
    feedback.pool({ type: 'connectionClosed', nodeId: 1, connectionId: 1, reason: 'lost' });
    feedback.ended(bystander); // retried elsewhere and answered
    expect(signals).toEqual([]);
    feedback.attempt(2, err(ErrorCode.ConnectionLost), 1000, poison);
    expect(poison.hardFailures).toBe(2);
    feedback.pool({ type: 'connectionClosed', nodeId: 2, connectionId: 2, reason: 'lost' });
    feedback.ended(poison);
    expect(signals).toEqual([]);
  });

  it('pool events: a refused connect is hard, a connect timeout a failed probe, a new connection first contact', () => {
    const { feedback, signals } = setup();
    feedback.pool({ type: 'connectFailed', nodeId: 1, error: err(ErrorCode.ConnectRefused) });
    feedback.pool({ type: 'connectFailed', nodeId: 1, error: err(ErrorCode.ConnectTimeout) });
    feedback.pool({ type: 'connectionCreated', nodeId: 1, connectionId: 3 });
    feedback.pool({ type: 'connectionClosed', nodeId: 1, connectionId: 3, reason: 'idle' });
    expect(signals).toEqual([
      { nodeId: 1, kind: 'request', ok: false, hard: true },
      { nodeId: 1, kind: 'probe', ok: false, hard: false },
      { nodeId: 1, kind: 'connected' },
    ]);
  });

  it('a success is signalled only when it changes something', () => {
    const healthy = setup();
    healthy.feedback.attempt(1, undefined, 1000, { hardFailures: 0 });
    expect(healthy.signals).toEqual([]);
    const suspect = setup(2, { ...nodeHealth.initial(1, 'n1', 0), status: 'suspect', passiveFailures: 2 });
    suspect.feedback.attempt(1, undefined, 1000, { hardFailures: 0 });
    expect(suspect.signals).toEqual([{ nodeId: 1, kind: 'request', ok: true }]);
  });

  it("a full pool: the node's answer within health.timeoutMs stands in for a ping (after its reply time)", () => {
    let now = 0;
    const feedback = new HealthFeedback(
      configDefaults.health,
      () => 7,
      () => undefined,
      () => now,
    );
    expect(feedback.probeStandIn(1, true)).toBeUndefined(); // never answered: ping
    now = 50;
    feedback.attempt(1, undefined, 1000, { hardFailures: 0 });
    now = 1000;
    expect(feedback.probeStandIn(1, true)).toBe(7);
    expect(feedback.probeStandIn(1, false)).toBeUndefined(); // a pool with room: the ping goes
    now = 1051;
    expect(feedback.probeStandIn(1, true)).toBeUndefined(); // nothing answered for a whole probe timeout
    feedback.attempt(1, err(ErrorCode.RequestTimeout), 1000, { hardFailures: 0 });
    expect(feedback.probeStandIn(1, true)).toBeUndefined();
  });

  it('reads the one error table: a lost connection is a broken connection, never a hard probe failure', () => {
    const { feedback, signals } = setup();
    expect(feedback.hardProbeFailure(err(ErrorCode.ConnectionLost))).toBe(false);
    expect(feedback.hardProbeFailure(err(ErrorCode.ConnectRefused))).toBe(true);
    feedback.attempt(1, err(ErrorCode.ConnectionLost), 1000, undefined); // counts against no request
    expect(signals).toEqual([]);
    feedback.pool({ type: 'connectionClosed', nodeId: 1, connectionId: 1, reason: 'lost' });
    expect(signals).toEqual([passiveFail]);
  });
});

describe('HealthFeedback: the fair-chance rule a client stall cannot fool', () => {
  it("a timeout whose time on the connection was eaten by the client's own stall does not count", () => {
    let now = 10_000;
    const stalls: Array<[number, number]> = [];
    const feedback = new HealthFeedback(
      configDefaults.health,
      () => 2,
      () => ({ ...nodeHealth.initial(1, 'n1', 0), status: 'up' as const }),
      () => now,
      (from, to) => stalls.reduce((sum, [a, b]) => sum + Math.max(0, Math.min(b, to) - Math.max(a, from)), 0),
    );
    const signals: HealthSignal[] = [];
    feedback.signals$.subscribe((s) => signals.push(s));
    stalls.push([9000, 10_000]); // 1000 ms of the last 1000 ms: the loop ran nothing
    feedback.attempt(1, new RequestTimeoutError('stalled', 1000), 1000, { hardFailures: 0 });
    expect(signals).toEqual([]);
    now = 20_000; // no stall in this window: the node had its whole time
    feedback.attempt(1, new RequestTimeoutError('silent', 1000), 1000, { hardFailures: 0 });
    expect(signals).toEqual([passiveFail]);
    stalls.push([20_800, 21_000]); // a 200 ms stall leaves the node 800 ms: still a fair chance
    now = 21_000;
    feedback.attempt(1, new RequestTimeoutError('silent', 1000), 1000, { hardFailures: 0 });
    expect(signals).toEqual([passiveFail, passiveFail]);
  });
});
