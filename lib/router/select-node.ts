import type { NodeId } from '../types.js';
import type { Balancer, CandidateView, PickContext } from './balancers.js';

/**
 * The eligible nodes' figures by position in the eligible list, as the balancer reads them (O(1) each, no lookup
 * by id: `ClusterView` keeps them in a flat array updated when the eligible set changes).
 */
export type NodeFigures = CandidateView;

/**
 * Chooses the node for an attempt (pure): among the eligible nodes not yet tried by this request — or, when every
 * one was tried, those with none of its attempts in flight (`busy`), or else all the eligible ones — the one
 * `balancer` picks. Undefined when none is eligible, and with `freshOnly` (a hedge copy) when every eligible node
 * was tried.
 *
 * O(t log n) for t tried nodes, whatever the cluster size n: `eligible` is in id order (as `clusterHealth` emits
 * it), tried and busy nodes are found by binary search and skipped by index arithmetic — nothing walks the
 * eligible list (and `p2c` reads two candidates).
 * ```
 * eligible [1 2 3 4 5]  tried [2 4]  → candidates [1 3 5] (indices 0 1 2 → positions 0 2 4)
 * ```
 */
export function selectNode(
  eligible: readonly NodeId[],
  tried: readonly NodeId[],
  busy: readonly NodeId[],
  balancer: Balancer,
  figures: NodeFigures,
  ctx: PickContext,
  freshOnly = false,
): NodeId | undefined {
  const n = eligible.length;
  if (n === 0) return undefined;
  let skip = tried.length === 0 ? none : positions(eligible, tried);
  if (skip.length === n) {
    if (freshOnly) return undefined;
    skip = busy.length === 0 ? none : positions(eligible, busy);
    if (skip.length === n) skip = none;
  }
  const count = n - skip.length;
  if (count === 1) return eligible[at(skip, 0)];
  // nothing skipped (a first attempt): the figures are the candidates, no view is built
  const view = skip.length === 0 ? figures : new SkippingView(skip, figures);
  return eligible[at(skip, balancer(count, view, ctx))];
}

const none: readonly number[] = [];

/** The positions in `eligible` (sorted ascending) of those of `ids` that are eligible. */
function positions(eligible: readonly NodeId[], ids: readonly NodeId[]): number[] {
  const out: number[] = [];
  for (const id of ids) {
    let lo = 0;
    let hi = eligible.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = eligible[mid]!;
      if (v === id) {
        if (!out.includes(mid)) out.push(mid);
        break;
      }
      if (v < id) lo = mid + 1;
      else hi = mid - 1;
    }
  }
  return out.sort((a, b) => a - b);
}

/** The position in `eligible` of candidate `k`: k plus the skipped positions at or before it. */
function at(skip: readonly number[], k: number): number {
  let pos = k;
  for (const s of skip) {
    if (s <= pos) pos++;
    else break;
  }
  return pos;
}

/** The candidates (eligible minus skipped positions) as the balancer reads them. */
class SkippingView implements CandidateView {
  private readonly skip: readonly number[];
  private readonly figures: NodeFigures;

  constructor(skip: readonly number[], figures: NodeFigures) {
    this.skip = skip;
    this.figures = figures;
  }

  load(k: number): number {
    return this.figures.load(at(this.skip, k));
  }

  rttMs(k: number): number {
    return this.figures.rttMs(at(this.skip, k));
  }

  recoveredAt(k: number): number {
    return this.figures.recoveredAt(at(this.skip, k));
  }
}
