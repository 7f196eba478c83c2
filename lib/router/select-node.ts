import type { NodeId } from '../types.js';
import type { Balancer, Candidate, PickContext } from './balancers.js';

/**
 * Chooses the node for an attempt (pure): among the eligible nodes not yet tried by this request — or all the
 * eligible ones when every one was tried — the one `balancer` picks. Undefined when none is eligible.
 */
export function selectNode(
  eligible: readonly NodeId[],
  tried: ReadonlySet<NodeId>,
  balancer: Balancer,
  candidate: (id: NodeId) => Candidate,
  ctx: PickContext,
): NodeId | undefined {
  if (eligible.length === 0) return undefined;
  let ids = eligible;
  if (tried.size > 0) {
    const fresh = eligible.filter((id) => !tried.has(id));
    if (fresh.length > 0) ids = fresh;
  }
  if (ids.length === 1) return ids[0];
  return ids[balancer(ids.length, (k) => candidate(ids[k]!), ctx)];
}
