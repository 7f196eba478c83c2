import type { ResolvedConfig } from '../config.js';
import type { NodeId } from '../types.js';
import { type Balancer, balancers, type PickContext } from './balancers.js';
import type { ClusterView } from './cluster-view.js';
import { selectNode } from './select-node.js';

/** The pick context, reused from pick to pick (nothing is allocated for it per request). */
interface MutablePickContext {
  readonly random: () => number;
  /** Read only when a candidate is warming up after a recovery (a getter: no clock read per pick otherwise). */
  readonly now: number;
  readonly slowStartMs: number;
  cursor: number;
}

/**
 * Picks the node of each attempt: `selectNode` over the latest eligible set with the configured balancer, the
 * cluster view's per-node figures, the injected random and clock, and round-robin's cursor. O(1) per pick for
 * `p2c` and `round-robin` whatever the node count (O(t log n) with t nodes already tried by the request).
 */
export class Picker {
  private readonly cluster: ClusterView;
  private readonly balancer: Balancer;
  private readonly ctx: MutablePickContext;

  constructor(config: Readonly<ResolvedConfig>, cluster: ClusterView) {
    this.cluster = cluster;
    this.balancer = balancers[config.balancer];
    const { scheduler } = config;
    this.ctx = {
      random: config.random,
      get now() {
        return scheduler.now();
      },
      slowStartMs: config.slowStartMs,
      cursor: 0,
    };
  }

  /**
   * An eligible node for a request that tried `tried` and has attempts out on `busy`; with `freshOnly`, only a
   * node not tried yet (a hedge copy). Undefined when there is none.
   */
  pick(tried: readonly NodeId[], busy: readonly NodeId[], freshOnly = false): NodeId | undefined {
    const ctx = this.ctx;
    const id = selectNode(
      this.cluster.eligible,
      tried,
      busy,
      this.balancer,
      this.cluster,
      ctx as PickContext,
      freshOnly,
    );
    ctx.cursor++;
    return id;
  }
}
