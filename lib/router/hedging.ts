import type { SchedulerLike } from 'rxjs';
import { configDefaults, type ResolvedConfig } from '../config.js';
import { HedgeBudget } from '../operators/hedge-budget.js';
import { LatencyWindow } from '../operators/latency-window.js';
import type { NodeId } from '../types.js';
import type { ClusterView } from './cluster-view.js';
import { HedgeTimer } from './hedge-timer.js';

/**
 * The router's hedging state, shared by every request: a {@link LatencyWindow} of reply times per node, the
 * {@link HedgeBudget} (`maxExtraLoad`), the derived hedge delay, and the one {@link HedgeTimer} that tells
 * requests when their hedge is due (no timer per request). Whether a copy is sent is `decide`'s call.
 *
 * The derived delay is the median over eligible nodes of each node's `percentile` (99) of recent replies, at
 * least `minDelayMs`: a copy leaves once a request has waited longer than a typical node almost always takes, so
 * a hung or slow node costs a request about that delay (one slow node cannot raise it: the median), normal
 * jitter spends about 1 % of requests on copies, and the rest of the `maxExtraLoad` budget is left for faults.
 */
export class Hedging {
  /** Hedge requests that do not say (`config.hedge`). */
  readonly enabled: boolean;
  readonly maxAttempts: number;
  readonly budget: HedgeBudget;
  readonly timer: HedgeTimer;
  private readonly config: ResolvedConfig['hedge'];
  private readonly scheduler: SchedulerLike;
  private readonly cluster: ClusterView;
  private readonly windows = new Map<NodeId, LatencyWindow>();
  private cachedAt = Number.NEGATIVE_INFINITY;
  private cached = Number.POSITIVE_INFINITY;

  constructor(config: ResolvedConfig['hedge'], scheduler: SchedulerLike, cluster: ClusterView) {
    this.config = config;
    this.scheduler = scheduler;
    this.cluster = cluster;
    this.enabled = config.enabled;
    this.maxAttempts = config.maxAttempts;
    this.budget = new HedgeBudget({
      maxExtraLoad: config.maxExtraLoad,
      windowMs: config.windowMs,
      now: () => scheduler.now(),
    });
    this.timer = new HedgeTimer(scheduler);
  }

  /** The configured delay, else the derived one (Infinity: no delay known yet, no copy). */
  delayMs(): number {
    const config = this.config;
    if (config.delayMs !== undefined) return config.delayMs;
    const now = this.scheduler.now();
    if (now - this.cachedAt < configDefaults.tuning.hedgeDelayRefreshMs) return this.cached;
    const values: number[] = [];
    for (const id of this.cluster.eligible) {
      const p = this.windows.get(id)?.percentile(config.percentile);
      if (p !== undefined) values.push(p);
    }
    // "no delay known yet" is not cached: the first replies must make hedging available at once
    this.cachedAt = values.length === 0 ? Number.NEGATIVE_INFINITY : now;
    if (values.length === 0) this.cached = Number.POSITIVE_INFINITY;
    else {
      values.sort((a, b) => a - b);
      this.cached = Math.max(config.minDelayMs, values[(values.length - 1) >> 1]!);
    }
    return this.cached;
  }

  /** Records a reply time of a node (for the derived delay). */
  record(id: NodeId, ms: number): void {
    let w = this.windows.get(id);
    if (!w) this.windows.set(id, (w = new LatencyWindow()));
    w.record(ms);
  }

  /** A node left the cluster: its reply times go with it (ids are never reused: nothing would ever read them). */
  forget(id: NodeId): void {
    this.windows.delete(id);
  }

  /** Nodes with reply times kept. */
  get windowCount(): number {
    return this.windows.size;
  }
}
