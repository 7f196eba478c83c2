import type { BalancerName } from '../config.js';
import type { NodeId } from '../types.js';

/** What a balancer knows of one eligible node. */
export interface Candidate {
  readonly nodeId: NodeId;
  /** Requests in flight plus waiting at this node's pool. */
  readonly load: number;
  /** Smoothed RTT in ms, or -1 when unknown. */
  readonly rttMs: number;
  /** Scheduler time the node came back from down, or -1. */
  readonly recoveredAt: number;
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
const latencyWindowMs = 15;

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
export type Balancer = (count: number, candidate: (index: number) => Candidate, ctx: PickContext) => number;

/**
 * Candidates are read lazily (`candidate(i)` for i in 0..count-1) so that `p2c` and `round-robin` cost O(1)
 * whatever the cluster size; `least-outstanding` reads them all.
 */
export const balancers: Record<BalancerName, Balancer> = {
  p2c(n, candidate, ctx) {
    if (n === 1) return 0;
    const a = Math.floor(ctx.random() * n) % n;
    const b = (a + 1 + (Math.floor(ctx.random() * (n - 1)) % (n - 1))) % n;
    const first = candidate(a);
    const second = candidate(b);
    let fastest = Number.POSITIVE_INFINITY;
    if (first.rttMs >= 0) fastest = first.rttMs;
    if (second.rttMs >= 0 && second.rttMs < fastest) fastest = second.rttMs;
    const ca = cost(first, fastest);
    const cb = cost(second, fastest);
    let winner: number;
    if (ca === cb) winner = ctx.random() < 0.5 ? a : b;
    else if (first.load !== second.load) winner = ca < cb ? a : b;
    // Equal loads: latency decides, softly (a wins with probability cb / (ca + cb)), so a node whose estimate is
    // stale or inflated — a first request that paid for JIT or a cold cache — still gets picked and corrected.
    else winner = ctx.random() * (ca + cb) < cb ? a : b;
    // A node still warming up after a recovery keeps a pick only with probability `warmth` — unless the other
    // candidate is busier: damping never hands a request to a node with more in flight (a slow node, say).
    const win = winner === a ? first : second;
    const other = winner === a ? second : first;
    const w = warmth(win, ctx);
    if (w < 1 && other.load <= win.load && ctx.random() >= w) return winner === a ? b : a;
    return winner;
  },

  'round-robin'(n, _candidate, ctx) {
    return ctx.cursor % n;
  },

  'least-outstanding'(n, candidate, ctx) {
    let best: number[] = [];
    let min = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const load = candidate(i).load;
      if (load < min) {
        min = load;
        best = [i];
      } else if (load === min) best.push(i);
    }
    return best[Math.floor(ctx.random() * best.length) % best.length]!;
  },
};

function cost(c: Candidate, fastest: number): number {
  const slower =
    c.rttMs >= 0 && fastest < Number.POSITIVE_INFINITY
      ? Math.floor((c.rttMs - fastest) / latencyWindowMs)
      : 0;
  return (c.load + 1) * (1 + slower);
}

/** 0.1 just after a recovery, rising linearly to 1 over `slowStartMs`; 1 for a node that never recovered. */
function warmth(c: Candidate, ctx: PickContext): number {
  if (c.recoveredAt < 0 || ctx.slowStartMs <= 0) return 1;
  const age = ctx.now - c.recoveredAt;
  return age >= ctx.slowStartMs ? 1 : Math.max(0.1, age / ctx.slowStartMs);
}
