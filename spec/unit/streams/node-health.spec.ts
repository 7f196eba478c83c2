import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { defaultHealthPolicy } from '../../../lib/streams/default-health-policy.js';
import type { HealthSignal } from '../../../lib/streams/health-signal.js';
import { nodeHealth } from '../../../lib/streams/node-health.js';
import type { NodeHealth } from '../../../lib/types.js';

const signalArb: fc.Arbitrary<HealthSignal> = fc.oneof(
  fc.record({
    nodeId: fc.constant(1),
    kind: fc.constantFrom('probe' as const, 'request' as const),
    ok: fc.constant(true as const),
    rttMs: fc.nat(100),
  }),
  fc.record({
    nodeId: fc.constant(1),
    kind: fc.constantFrom('probe' as const, 'request' as const),
    ok: fc.constant(false as const),
    hard: fc.boolean(),
  }),
  fc.record({ nodeId: fc.constant(1), kind: fc.constant('manual' as const), healthy: fc.boolean() }),
);
const policyArb = fc.record({
  fall: fc.integer({ min: 1, max: 5 }),
  rise: fc.integer({ min: 1, max: 5 }),
  passiveFall: fc.integer({ min: 1, max: 8 }),
});

function fold(signals: HealthSignal[], policy = defaultHealthPolicy): NodeHealth[] {
  const states = [nodeHealth.initial(1, 'n1', 0)];
  signals.forEach((s, i) => {
    states.push(nodeHealth.reduce(states.at(-1)!, s, i + 1, policy));
  });
  return states;
}

describe('nodeHealth', () => {
  test.prop([fc.array(signalArb, { maxLength: 60 }), policyArb])(
    'after fall consecutive failed probes a node is not eligible until rise consecutive successes',
    (signals, p) => {
      const policy = { ...defaultHealthPolicy, ...p };
      const states = fold(signals, policy);
      let failedProbes = 0;
      let out = false;
      let successes = 0;
      signals.forEach((s, i) => {
        const after = states[i + 1]!;
        if (s.kind === 'manual') {
          if (s.healthy && !after.manual) out = false;
          failedProbes = 0;
          successes = 0;
          return;
        }
        if (s.kind === 'connected' || s.kind === 'auth') return;
        if (s.ok) {
          failedProbes = 0;
          successes++;
          if (out && successes >= policy.rise) out = false;
        } else {
          successes = 0;
          if (s.kind === 'probe') failedProbes++;
          if (failedProbes >= policy.fall) out = true;
        }
        if (out) expect(nodeHealth.isEligible(after)).toBe(false);
      });
    },
  );

  test.prop([fc.array(signalArb, { maxLength: 60 })])(
    'a manually marked node is never eligible',
    (signals) => {
      const states = fold(signals);
      for (const state of states) if (state.manual) expect(nodeHealth.isEligible(state)).toBe(false);
    },
  );

  test.prop([fc.array(signalArb, { maxLength: 60 })])(
    'eligible exactly when up or suspect; a hard failure always takes it down',
    (signals) => {
      const states = fold(signals);
      signals.forEach((s, i) => {
        const after = states[i + 1]!;
        expect(nodeHealth.isEligible(after)).toBe(after.status === 'up' || after.status === 'suspect');
        if ('hard' in s && s.hard) expect(after.status).toBe('down');
      });
    },
  );

  it('keeps a smoothed RTT (EWMA 0.2) and stamps recoveries for damped traffic', () => {
    const [, a, b] = fold([
      { nodeId: 1, kind: 'probe', ok: true, rttMs: 10 },
      { nodeId: 1, kind: 'probe', ok: true, rttMs: 20 },
    ]);
    expect(a!.rttMs).toBe(10);
    expect(b!.rttMs).toBe(12);
    const states = fold([
      { nodeId: 1, kind: 'probe', ok: false, hard: true },
      { nodeId: 1, kind: 'probe', ok: true },
      { nodeId: 1, kind: 'probe', ok: true },
    ]);
    expect(states.map((s) => s.status)).toEqual(['joining', 'down', 'probation', 'up']);
    expect(states[3]!.recoveredAt).toBe(3);
    expect(states[3]!.since).toBe(3);
    expect(states[1]!.reason).toBe('probe');
  });

  it('starts unknown (not eligible) until a probe answers or a connection opens', () => {
    const initial = nodeHealth.initial(1, 'n1', 0);
    expect(initial.status).toBe('joining');
    expect(nodeHealth.isEligible(initial)).toBe(false);
    const connected = nodeHealth.reduce(initial, { nodeId: 1, kind: 'connected' }, 1, defaultHealthPolicy);
    expect(connected).toMatchObject({ status: 'up', reason: 'connect' });
    expect(nodeHealth.reduce(connected, { nodeId: 1, kind: 'connected' }, 2, defaultHealthPolicy)).toBe(
      connected,
    );
    const probed = fold([{ nodeId: 1, kind: 'probe', ok: true, rttMs: 1 }]);
    expect(probed[1]!.status).toBe('up');
    const failing = fold([
      { nodeId: 1, kind: 'probe', ok: false, hard: false },
      { nodeId: 1, kind: 'probe', ok: false, hard: false },
    ]);
    expect(failing.map((s) => s.status)).toEqual(['joining', 'joining', 'down']);
  });

  const ok = (kind: 'probe' | 'request'): HealthSignal => ({ nodeId: 1, kind, ok: true, rttMs: 1 });
  const fail = (kind: 'probe' | 'request'): HealthSignal => ({ nodeId: 1, kind, ok: false, hard: false });
  const policy = { ...defaultHealthPolicy, passiveFall: 3, rise: 2, ejectionMs: 100, maxEjectionMs: 250 };
  const run = (start: NodeHealth, steps: [number, HealthSignal][], canEject = () => true) => {
    const states = [start];
    for (const [at, s] of steps) states.push(nodeHealth.reduce(states.at(-1)!, s, at, policy, canEject));
    return states;
  };
  const up = nodeHealth.reduce(nodeHealth.initial(1, 'n1', 0), { nodeId: 1, kind: 'connected' }, 0, policy);

  it('a gray node (good probes, failed requests) is ejected after passiveFall, and good probes do not cancel it', () => {
    const states = run(up, [
      [1, fail('request')],
      [2, ok('probe')],
      [3, fail('request')],
      [4, ok('probe')],
      [5, fail('request')],
      [6, ok('probe')],
      [50, ok('probe')],
      [104, ok('probe')],
      [106, ok('probe')],
      [107, ok('probe')],
    ]);
    expect(states.map((s) => s.status)).toEqual([
      'up',
      'suspect',
      'suspect',
      'suspect',
      'suspect',
      'down',
      'down',
      'down',
      'down',
      'probation',
      'up',
    ]);
    expect(states[5]).toMatchObject({
      reason: 'passive',
      ejections: 1,
      ejectedUntil: 105,
      passiveFailures: 0,
    });
  });

  it('each ejection lasts ejectionMs × times ejected, at most maxEjectionMs', () => {
    let state = up;
    const untils: number[] = [];
    let at = 0;
    for (let round = 0; round < 4; round++) {
      for (let k = 0; k < 3; k++) state = nodeHealth.reduce(state, fail('request'), ++at, policy);
      untils.push(state.ejectedUntil! - at);
      at = state.ejectedUntil!;
      state = nodeHealth.reduce(state, ok('probe'), at, policy);
      state = nodeHealth.reduce(state, ok('probe'), at, policy);
      expect(state.status).toBe('up');
    }
    expect(untils).toEqual([100, 200, 250, 250]);
  });

  it('at the cap (canEject false) a failing node stays suspect and eligible', () => {
    const states = run(
      up,
      [1, 2, 3, 4].map((at) => [at, fail('request')]),
      () => false,
    );
    expect(states.at(-1)).toMatchObject({ status: 'suspect', passiveFailures: 4, ejectedUntil: null });
    expect(nodeHealth.isEligible(states.at(-1)!)).toBe(true);
  });

  it('a successful request resets the passive count; a probe does not', () => {
    const states = run(up, [
      [1, fail('request')],
      [2, fail('request')],
      [3, ok('probe')],
      [4, ok('request')],
    ]);
    expect(states.map((s) => s.passiveFailures)).toEqual([0, 1, 2, 2, 0]);
  });
});

describe('nodeHealth: ejection and probes', () => {
  const policy = { ...defaultHealthPolicy, passiveFall: 2, fall: 2, rise: 2, ejectionMs: 1000 };
  const fail = (kind: 'probe' | 'request'): HealthSignal => ({ nodeId: 1, kind, ok: false, hard: false });
  const ok: HealthSignal = { nodeId: 1, kind: 'probe', ok: true, rttMs: 1 };
  it('a node down by its probes too (not gray) has its ejection lifted and returns after rise probes', () => {
    let s = nodeHealth.reduce(nodeHealth.initial(1, 'n1', 0), { nodeId: 1, kind: 'connected' }, 0, policy);
    for (const [at, sig] of [
      [1, fail('request')],
      [2, fail('request')],
    ] as const)
      s = nodeHealth.reduce(s, sig, at, policy);
    expect(s).toMatchObject({ status: 'down', ejectedUntil: 1002 });
    s = nodeHealth.reduce(s, fail('probe'), 3, policy);
    expect(s.ejectedUntil).toBe(1002); // one failed probe: still ejected (a flaky ping does not free a gray node)
    s = nodeHealth.reduce(s, fail('probe'), 4, policy);
    expect(s).toMatchObject({ status: 'down', ejectedUntil: null, ejections: 1 });
    s = nodeHealth.reduce(s, ok, 5, policy);
    s = nodeHealth.reduce(s, ok, 6, policy);
    expect(s.status).toBe('up');
  });
});

describe('nodeHealth: rejected credentials', () => {
  const policy = { ...defaultHealthPolicy, fall: 2, passiveFall: 2 };
  it('auth makes any status unusable (reason auth); no probe or request outcome moves it; a new connection does', () => {
    const up = nodeHealth.reduce(nodeHealth.initial(1, 'n1', 0), { nodeId: 1, kind: 'connected' }, 0, policy);
    const unusable = nodeHealth.reduce(up, { nodeId: 1, kind: 'auth' }, 5, policy);
    expect(unusable).toMatchObject({ status: 'unusable', reason: 'auth', since: 5 });
    expect(nodeHealth.isEligible(unusable)).toBe(false);
    expect(nodeHealth.reduce(unusable, { nodeId: 1, kind: 'auth' }, 6, policy)).toBe(unusable);
    let s = unusable;
    for (let at = 6; at < 12; at++) {
      s = nodeHealth.reduce(s, { nodeId: 1, kind: 'probe', ok: false, hard: true }, at, policy);
      s = nodeHealth.reduce(s, { nodeId: 1, kind: 'request', ok: false, hard: false }, at, policy);
    }
    expect(s).toBe(unusable); // not down, not ejected
    const back = nodeHealth.reduce(s, { nodeId: 1, kind: 'connected' }, 20, policy);
    expect(back).toMatchObject({ status: 'up', reason: 'connect' });
    const joining = nodeHealth.reduce(nodeHealth.initial(2, 'n2', 0), { nodeId: 2, kind: 'auth' }, 1, policy);
    expect(joining.status).toBe('unusable');
  });
});
