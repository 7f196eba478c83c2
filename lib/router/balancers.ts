import { type BalancerName, configDefaults } from '../config.js';

/**
 * What a balancer knows of the candidates 0..count-1, read one figure at a time (nothing is allocated per
 * pick, and `p2c` reads two candidates whatever the cluster size).
 */
export interface CandidateView {
  /** Requests in flight plus waiting at this candidate's pool. */
  load(index: number): number;
  /** Smoothed RTT in ms, or -1 when unknown. */
  rttMs(index: number): number;
  /** Scheduler time the candidate came back from down, or -1. */
  recoveredAt(index: number): number;
}

/** Context of one pick: injected randomness and time, and round-robin's cursor. */
export interface PickContext {
  readonly random: () => number;
  readonly now: number;
  /** A node back from down for less than this gets damped traffic. */
  readonly slowStartMs: number;
  /** Incremented by the caller after each round-robin pick. */
  readonly cursor: number;
}

/** Nodes whose RTT is within this of the fastest count as equally fast (MongoDB's latency window). */
const latencyWindowMs = configDefaults.tuning.balancerLatencyWindowMs;

/**
 * Pure pickers: each returns the index (0..count-1) of the candidate to use.
 *
 * - `p2c` (default): two distinct random candidates; the lower cost wins, ties broken at random.
 *   cost = (load + 1) × (1 + ⌊(rtt − fastest rtt) / 15 ms⌋); with different loads the cheaper wins, with equal
 *   loads each wins in proportion to the other's cost (no starvation). A node back from `down` keeps a win only with
 *   probability warmth, rising linearly from 0.1 to 1 over `slowStartMs` (damped traffic, like the Cassandra
 *   driver's 3/4 rule and Envoy's slow start); otherwise the other candidate takes the request, unless that one
 *   has more requests in flight (damping never feeds a busier — say, a slow — node).
 *   With equal loads and RTTs within 15 ms, every node is equally likely: a fair share.
 * - `round-robin`: `cursor mod n` over the candidates in id order.
 * - `least-outstanding`: the lowest load, ties broken at random.
 */
export type Balancer = (count: number, view: CandidateView, ctx: PickContext) => number;

/**
 * Candidates are read lazily through the view so that `p2c` and `round-robin` cost O(1) whatever the cluster
 * size; `least-outstanding` reads every load (O(n) by nature: use it for small clusters).
 */
export const balancers: Record<BalancerName, Balancer> = {
  p2c(n, view, ctx) {
    if (n === 1) return 0;
    const a = Math.floor(ctx.random() * n) % n;
    const b = (a + 1 + (Math.floor(ctx.random() * (n - 1)) % (n - 1))) % n;
    const loadA = view.load(a);
    const loadB = view.load(b);
    const rttA = view.rttMs(a);
    const rttB = view.rttMs(b);
    let fastest = Number.POSITIVE_INFINITY;
    if (rttA >= 0) fastest = rttA;
    if (rttB >= 0 && rttB < fastest) fastest = rttB;
    const ca = cost(loadA, rttA, fastest);
    const cb = cost(loadB, rttB, fastest);
    let winner: number;
    if (ca === cb) winner = ctx.random() < 0.5 ? a : b;
    else if (loadA !== loadB) winner = ca < cb ? a : b;
    // Equal loads: latency decides, softly (a wins with probability cb / (ca + cb)), so a node whose estimate is
    // stale or inflated — a first request that paid for JIT or a cold cache — still gets picked and corrected.
    else winner = ctx.random() * (ca + cb) < cb ? a : b;
    // A node still warming up after a recovery keeps a pick only with probability `warmth` — unless the other
    // candidate is busier: damping never hands a request to a node with more in flight (a slow node, say).
    const other = winner === a ? b : a;
    const w = warmth(view.recoveredAt(winner), ctx);
    if (w < 1 && view.load(other) <= view.load(winner) && ctx.random() >= w) return other;
    return winner;
  },

  'round-robin'(n, _view, ctx) {
    return ctx.cursor % n;
  },

  'least-outstanding'(n, view, ctx) {
    let min = Number.POSITIVE_INFINITY;
    let ties = 0;
    for (let i = 0; i < n; i++) {
      const load = view.load(i);
      if (load < min) {
        min = load;
        ties = 1;
      } else if (load === min) ties++;
    }
    // the k-th of the least loaded, k uniform: ties broken at random without a list
    let k = Math.floor(ctx.random() * ties) % ties;
    for (let i = 0; i < n; i++) if (view.load(i) === min && k-- === 0) return i;
    return 0;
  },
};

function cost(load: number, rttMs: number, fastest: number): number {
  const slower =
    rttMs >= 0 && fastest < Number.POSITIVE_INFINITY ? Math.floor((rttMs - fastest) / latencyWindowMs) : 0;
  return (load + 1) * (1 + slower);
}

/** 0.1 just after a recovery, rising linearly to 1 over `slowStartMs`; 1 for a node that never recovered. */
function warmth(recoveredAt: number, ctx: PickContext): number {
  if (recoveredAt < 0 || ctx.slowStartMs <= 0) return 1;
  const age = ctx.now - recoveredAt;
  return age >= ctx.slowStartMs ? 1 : Math.max(0.1, age / ctx.slowStartMs);
}
