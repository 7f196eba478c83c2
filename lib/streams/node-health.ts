import { type HealthReason, HealthStatus, type NodeHealth, type NodeId } from '../types.js';
import type { HealthPolicy } from './health-policy.js';
import type { HealthSignal } from './health-signal.js';

const rttAlpha = 0.2;

/**
 * The node health state machine, as pure functions (no time, no I/O: `at` is passed in).
 *
 * ```
 *  joining ── first probe ok / connection opened ──► up   (added later, reason membership: its first pong only)
 *     └────── fall probe fails / hard failure ─────► down
 *
 *            probe fail (< fall), request fail         fall probe fails / hard failure
 *   up ───────────────────────► suspect ──────────────────────────────────────────► down
 *    ▲  ◄─────── any success ──────┘ └── passiveFall failed requests in a row ─► down (ejected until T)
 *    │                                                                                  │ probe ok (after T)
 *    └──────────── rise consecutive successes ────────── probation ◄────────────────────┘
 *                                                             └── any failure ──► down
 * ```
 * - Probe and passive (request) failures are counted apart: a good probe resets `consecutiveFailures`, never
 *   `passiveFailures` (only a successful request does), so a gray node — answering pings, failing requests —
 *   is still ejected.
 * - A passive ejection lasts `ejectionMs` × times ejected (at most `maxEjectionMs`; the count restarts after a
 *   quiet `maxEjectionMs`). Good probes during it change nothing; after it, `rise` good probes bring the node up.
 *   When `fall` probes in a row fail (or a connection is refused) the node is plainly down, not gray: the
 *   ejection is lifted and, like any down node, it returns after `rise` good probes.
 * - `canEject` (the cluster's cap) false: the node stays `suspect`, its failures counted, instead of ejected.
 * - Credentials rejected (`auth`) make any status `unusable` (reason `auth`): probe and request outcomes change
 *   nothing then; the next connection set up (`connected`) makes it `up`.
 * - A hard failure (connection refused) takes any status `down` at once. `markNodeUnhealthy` (manual) holds a
 *   node `down` whatever its probes say, until `markNodeHealthy`, which makes it `up`.
 * Eligible for requests: `up` and `suspect` (one lost ping must not flap a node out).
 */
export const nodeHealth = {
  /** A node at `at`: `joining`, reason `initial` (the initial set) or `membership` (added later). */
  initial(
    nodeId: NodeId,
    address: string,
    at: number,
    reason: 'initial' | 'membership' = 'initial',
  ): NodeHealth {
    return {
      nodeId,
      address,
      status: HealthStatus.Joining,
      reason,
      consecutiveFailures: 0,
      consecutiveSuccesses: 0,
      passiveFailures: 0,
      ejections: 0,
      ejectedUntil: null,
      lastCheckAt: null,
      rttMs: null,
      since: at,
      manual: false,
      recoveredAt: null,
    };
  },

  /** The node removed from membership at `at`: `draining` (final; no signal moves it again). */
  drain(state: NodeHealth, at: number): NodeHealth {
    if (state.status === HealthStatus.Draining) return state;
    return { ...state, status: HealthStatus.Draining, reason: 'membership', since: at };
  },

  /** Whether a node in this state may receive requests. */
  isEligible(health: NodeHealth): boolean {
    return health.status === HealthStatus.Up || health.status === HealthStatus.Suspect;
  },

  /** Whether a node is passively ejected at `at`. */
  isEjected(health: NodeHealth, at: number): boolean {
    return health.ejectedUntil !== null && health.ejectedUntil > at;
  },

  /** The next state after `signal` at time `at`. Returns `state` itself when nothing changed. */
  reduce(
    state: NodeHealth,
    signal: HealthSignal,
    at: number,
    policy: HealthPolicy,
    canEject: () => boolean = () => true,
  ): NodeHealth {
    if (state.status === HealthStatus.Draining) return state;
    if (signal.kind === 'manual') {
      if (!signal.healthy) return move(state, { manual: true }, HealthStatus.Down, 'manual', at);
      if (!state.manual) return state;
      return move(
        state,
        { manual: false, consecutiveFailures: 0, consecutiveSuccesses: 0, passiveFailures: 0 },
        HealthStatus.Up,
        'manual',
        at,
      );
    }
    if (signal.kind === 'auth') {
      if (state.status === HealthStatus.Unusable) return state;
      return move(state, { consecutiveSuccesses: 0, lastCheckAt: at }, HealthStatus.Unusable, 'auth', at);
    }
    // A node added by membership (reason `membership`) gets no request before its first pong — an open
    // connection is not enough (it may accept TCP and not answer the protocol): MongoDB's paused pool, Envoy's
    // ignore_new_hosts_until_first_hc. A node of the initial set is trusted on its first connection too, and an
    // unusable node on a connection that got through its handshake (its credentials were accepted).
    if (signal.kind === 'connected') {
      const initial = state.status === HealthStatus.Joining && state.reason === 'initial';
      if (!initial && state.status !== HealthStatus.Unusable) return state;
      return move(state, { lastCheckAt: at }, HealthStatus.Up, 'connect', at);
    }
    // Rejected credentials are no health signal: probes and requests cannot connect, and say nothing of the node.
    if (state.status === HealthStatus.Unusable) return state;
    const reason: HealthReason = signal.kind === 'probe' ? 'probe' : 'passive';
    const ejected = nodeHealth.isEjected(state, at);
    if (signal.ok) {
      const rttMs =
        signal.rttMs === undefined
          ? state.rttMs
          : state.rttMs === null
            ? signal.rttMs
            : ewma(state.rttMs, signal.rttMs);
      // While ejected, good probes earn nothing: probation starts from zero when the ejection ends.
      const successes = ejected ? 0 : state.consecutiveSuccesses + 1;
      const counts = {
        consecutiveSuccesses: successes,
        consecutiveFailures: 0,
        lastCheckAt: at,
        rttMs,
        passiveFailures: signal.kind === 'request' ? 0 : state.passiveFailures,
      };
      let next: HealthStatus = state.status;
      // A node suspect for failed requests stays suspect on good probes: only a good request clears that.
      if (state.status === HealthStatus.Joining) next = HealthStatus.Up;
      else if (state.status === HealthStatus.Suspect && counts.passiveFailures === 0) next = HealthStatus.Up;
      else if (!ejected && (state.status === HealthStatus.Down || state.status === HealthStatus.Probation)) {
        next = successes >= policy.rise ? HealthStatus.Up : HealthStatus.Probation;
      }
      if (
        next === state.status &&
        rttMs === state.rttMs &&
        successes === state.consecutiveSuccesses &&
        state.consecutiveFailures === 0 &&
        counts.passiveFailures === state.passiveFailures
      ) {
        return state.lastCheckAt === at ? state : { ...state, lastCheckAt: at };
      }
      return move(state, counts, next, reason, at);
    }
    if (signal.kind === 'probe' || signal.hard) {
      const failures = state.consecutiveFailures + 1;
      // When probes agree the node is down (fall in a row, or a refused connection), it is plainly down, not
      // gray: the ejection is lifted and recovery follows the probes (rise), like any down node.
      const lift = signal.hard || failures >= policy.fall ? { ejectedUntil: null, passiveFailures: 0 } : {};
      const counts = { consecutiveFailures: failures, consecutiveSuccesses: 0, lastCheckAt: at, ...lift };
      let next: HealthStatus = state.status;
      if (signal.hard || state.status === HealthStatus.Probation || failures >= policy.fall)
        next = HealthStatus.Down;
      else if (state.status === HealthStatus.Up) next = HealthStatus.Suspect;
      return move(state, counts, next, reason, at);
    }
    // A passive (request) failure.
    const passive = state.passiveFailures + 1;
    const counts = { passiveFailures: passive, consecutiveSuccesses: 0, lastCheckAt: at };
    if (state.status === HealthStatus.Probation) return move(state, counts, HealthStatus.Down, reason, at);
    if (nodeHealth.isEligible(state) && passive >= policy.passiveFall && canEject()) {
      const quiet = state.ejectedUntil === null || at - state.ejectedUntil >= policy.maxEjectionMs;
      const times = quiet ? 1 : state.ejections + 1;
      const until = at + Math.min(policy.ejectionMs * times, policy.maxEjectionMs);
      const patch = { ...counts, passiveFailures: 0, ejections: times, ejectedUntil: until };
      return move(state, patch, HealthStatus.Down, reason, at);
    }
    const next = state.status === HealthStatus.Up ? HealthStatus.Suspect : state.status;
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
  // Slow start after being out, and after joining (a new node is not flooded: its first pong starts it).
  const wasOut =
    state.status === HealthStatus.Down ||
    state.status === HealthStatus.Probation ||
    state.status === HealthStatus.Joining;
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
