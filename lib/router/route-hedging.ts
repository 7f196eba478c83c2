import type { SchedulerLike } from 'rxjs';
import type { ResolvedConfig } from '../config.js';
import { HedgeBudget } from '../operators/hedge-budget.js';
import { LatencyWindow } from '../operators/latency-window.js';
import type { RetryBudget } from '../operators/retry-budget.js';
import type { NodeId } from '../types.js';
import type { RouteHedging } from './route-request.js';

/** The derived delay is recomputed at most this often (a percentile per eligible node, then their median). */
const refreshMs = 100;

/**
 * The router's hedging state: a {@link LatencyWindow} of reply times per node, a {@link HedgeBudget}, and the
 * derived hedge delay — the median over eligible nodes of each node's `percentile` (99) of recent replies, at
 * least `minDelayMs`: a copy leaves once a request has waited longer than a typical node almost always takes, so
 * a hung or slow node costs a request about that delay (one slow node cannot raise it: the median), normal
 * jitter spends about 1 % of requests on copies, and the rest of the `maxExtraLoad` budget is left for faults. A copy is sent
 * only when an eligible node has none of the request's copies, and only while the retry budget has a retry to
 * spare (a failing cluster gets no hedges; the hedge does not spend it).
 */
export function routeHedging(
  config: ResolvedConfig['hedge'],
  scheduler: SchedulerLike,
  eligible: () => readonly NodeId[],
  retryBudget: RetryBudget | undefined,
): RouteHedging {
  const windows = new Map<NodeId, LatencyWindow>();
  const budget = new HedgeBudget({
    maxExtraLoad: config.maxExtraLoad,
    windowMs: config.windowMs,
    now: () => scheduler.now(),
  });
  let cachedAt = Number.NEGATIVE_INFINITY;
  let cached = Number.POSITIVE_INFINITY;
  return {
    enabled: config.enabled,
    maxAttempts: config.maxAttempts,
    delayMs() {
      if (config.delayMs !== undefined) return config.delayMs;
      const now = scheduler.now();
      if (now - cachedAt < refreshMs) return cached;
      const values: number[] = [];
      for (const id of eligible()) {
        const p = windows.get(id)?.percentile(config.percentile);
        if (p !== undefined) values.push(p);
      }
      // "no delay known yet" is not cached: the first replies must make hedging available at once
      cachedAt = values.length === 0 ? Number.NEGATIVE_INFINITY : now;
      if (values.length === 0) cached = Number.POSITIVE_INFINITY;
      else {
        values.sort((a, b) => a - b);
        cached = Math.max(config.minDelayMs, values[(values.length - 1) >> 1]!);
      }
      return cached;
    },
    deposit: () => budget.deposit(),
    tryHedge(tried) {
      if (!eligible().some((id) => !tried.has(id))) return false;
      if (retryBudget && retryBudget.available < 1) return false;
      return budget.tryWithdraw();
    },
    record(id, ms) {
      let w = windows.get(id);
      if (!w) windows.set(id, (w = new LatencyWindow()));
      w.record(ms);
    },
  };
}
