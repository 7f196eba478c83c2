import type { SchedulerLike } from 'rxjs';
import type { ResolvedConfig } from '../config.js';
import { HedgeBudget } from '../operators/hedge-budget.js';
import { LatencyWindow } from '../operators/latency-window.js';
import type { RetryBudget } from '../operators/retry-budget.js';
import type { NodeId } from '../types.js';
import type { RouteHedging } from './route-request.js';

/** The derived delay is recomputed at most this often (a percentile per eligible node). */
const refreshMs = 100;

/**
 * The router's hedging state: a {@link LatencyWindow} of reply times per node, a {@link HedgeBudget}, and the
 * derived hedge delay — the `percentile` (95) of the fastest eligible node's recent replies, at least
 * `minDelayMs`: a copy leaves once a request has waited longer than a healthy node usually takes, so a hung or
 * slow node costs a request about that delay, and at most `maxExtraLoad` of requests are copied. A copy is sent
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
      let best = Number.POSITIVE_INFINITY;
      for (const id of eligible()) {
        const p = windows.get(id)?.percentile(config.percentile);
        if (p !== undefined && p < best) best = p;
      }
      cachedAt = now;
      cached = Number.isFinite(best) ? Math.max(config.minDelayMs, best) : best;
      return cached;
    },
    deposit: () => budget.deposit(),
    tryHedge(busy) {
      if (!eligible().some((id) => !busy.has(id))) return false;
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
