import { type HealthReason, HealthStatus, type NodeHealth, type NodeId } from '../types.js';
import type { HealthPolicy } from './health-policy.js';
import type { HealthSignal } from './health-signal.js';

const rttAlpha = 0.2;

/**
 * The node health state machine, as pure functions (no time, no I/O: `at` is passed in).
 *
 * ```
 *            probe fail (< fall)          fall probe fails / passiveFall request fails / hard failure
 *   up ───────────────────────► suspect ─────────────────────────────────────────────────────► down
 *    ▲  ◄─────── any success ──────┘                                                            │
 *    │                                                                               probe ok   │
 *    └──────────── rise consecutive successes ────────── probation ◄────────────────────────────┘
 *                                                             └── any failure ──► down
 * ```
 * A hard failure (connection refused or reset) takes any status `down` at once. `markNodeUnhealthy`
 * (manual) holds a node `down` whatever its probes say, until `markNodeHealthy`, which makes it `up`.
 * Eligible for requests: `up` and `suspect` (one lost ping must not flap a node out).
 */
export const nodeHealth = {
  initial(nodeId: NodeId, at: number): NodeHealth {
    return {
      nodeId,
      status: HealthStatus.Up,
      reason: 'initial',
      consecutiveFailures: 0,
      consecutiveSuccesses: 0,
      lastCheckAt: -1,
      rttMs: -1,
      since: at,
      manual: false,
      recoveredAt: -1,
    };
  },

  /** Whether a node in this state may receive requests. */
  isEligible(health: NodeHealth): boolean {
    return health.status === HealthStatus.Up || health.status === HealthStatus.Suspect;
  },

  /** The next state after `signal` at time `at`. Returns `state` itself when nothing changed. */
  reduce(state: NodeHealth, signal: HealthSignal, at: number, policy: HealthPolicy): NodeHealth {
    if (signal.kind === 'manual') {
      if (!signal.healthy) return move(state, { manual: true }, HealthStatus.Down, 'manual', at);
      if (!state.manual) return state;
      return move(
        state,
        { manual: false, consecutiveFailures: 0, consecutiveSuccesses: 0 },
        HealthStatus.Up,
        'manual',
        at,
      );
    }
    const reason: HealthReason = signal.kind === 'probe' ? 'probe' : 'passive';
    if (signal.ok) {
      const successes = state.consecutiveSuccesses + 1;
      const rttMs =
        signal.rttMs === undefined
          ? state.rttMs
          : state.rttMs < 0
            ? signal.rttMs
            : ewma(state.rttMs, signal.rttMs);
      const counts = { consecutiveSuccesses: successes, consecutiveFailures: 0, lastCheckAt: at, rttMs };
      let next: HealthStatus = state.status;
      if (state.status === HealthStatus.Suspect) next = HealthStatus.Up;
      else if (state.status === HealthStatus.Down || state.status === HealthStatus.Probation) {
        next = successes >= policy.rise ? HealthStatus.Up : HealthStatus.Probation;
      }
      return move(state, counts, next, reason, at);
    }
    const failures = state.consecutiveFailures + 1;
    const counts = { consecutiveFailures: failures, consecutiveSuccesses: 0, lastCheckAt: at };
    const limit = signal.kind === 'probe' ? policy.fall : policy.passiveFall;
    let next: HealthStatus = state.status;
    if (signal.hard || state.status === HealthStatus.Probation || failures >= limit) next = HealthStatus.Down;
    else if (state.status === HealthStatus.Up) next = HealthStatus.Suspect;
    return move(state, counts, next, reason, at);
  },
};

function move(
  state: NodeHealth,
  patch: Partial<NodeHealth>,
  status: HealthStatus,
  reason: HealthReason,
  at: number,
): NodeHealth {
  const manual = patch.manual ?? state.manual;
  const effective = manual ? HealthStatus.Down : status;
  const changed = effective !== state.status;
  const wasOut = state.status === HealthStatus.Down || state.status === HealthStatus.Probation;
  return {
    ...state,
    ...patch,
    manual,
    status: effective,
    reason: changed ? (manual ? 'manual' : reason) : state.reason,
    since: changed ? at : state.since,
    recoveredAt: changed && effective === HealthStatus.Up && wasOut ? at : state.recoveredAt,
  };
}

function ewma(previous: number, sample: number): number {
  return previous + rttAlpha * (sample - previous);
}
