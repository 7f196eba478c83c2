import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { defaultHealthPolicy } from '../../../lib/streams/health-policy.js';
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
  const states = [nodeHealth.initial(1, 0)];
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
    expect(states.map((s) => s.status)).toEqual(['up', 'down', 'probation', 'up']);
    expect(states[3]!.recoveredAt).toBe(3);
    expect(states[3]!.since).toBe(3);
    expect(states[1]!.reason).toBe('probe');
  });
});
