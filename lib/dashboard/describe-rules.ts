import { resolveConfig } from '../config.js';
import type { RouterConfig } from '../config-types.js';

const s = (ms: number) => (ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);
const balancers: Record<string, string> = {
  p2c: 'p2c — the less busy of two random eligible nodes (in-flight requests)',
  'round-robin': 'round-robin — eligible nodes in turn',
  'least-outstanding': 'least-outstanding — the eligible node with the fewest requests in flight',
};

/**
 * The rules a router runs by, one line each, with every default filled in (health policy, passive ejection,
 * retry and its budget, hedging, balancer, deadline): what the dashboard shows under "Rules in force". A config
 * that cannot be read gives one line saying so.
 */
export function describeRules(config: RouterConfig | undefined): string[] {
  if (config === undefined) return ['not given to the dashboard (startDashboard(router, { config }))'];
  let c: ReturnType<typeof resolveConfig>;
  try {
    c = resolveConfig(
      config,
      (field, value, expected) => new Error(`${field}: ${String(value)} (${expected})`),
    );
  } catch (err) {
    return [`the config could not be read: ${(err as Error).message}`];
  }
  const h = c.health;
  const r = c.retry;
  const budget = r.budget
    ? `; budget: ${Math.round((r.budget.percentCanRetry ?? 0.2) * 100)} % of requests + ${r.budget.minRetriesPerSecond ?? 10}/s`
    : '; no retry budget';
  const hedge = c.hedge.enabled
    ? `on for idempotent requests: a copy after ${c.hedge.delayMs !== undefined ? s(c.hedge.delayMs) : `the p${c.hedge.percentile} latency`}, at most ${Math.round(c.hedge.maxExtraLoad * 100)} % extra load`
    : 'off (requests may ask for it)';
  return [
    `health: a ping every ${s(h.intervalMs)} (timeout ${s(h.timeoutMs)}); down after ${h.fall} failed in a row, back up after ${h.rise} good ones; a down node is pinged at most every ${s(h.maxIntervalMs)}`,
    `ejection: ${h.passiveFall} failed requests in a row take a node out for ${s(h.ejectionMs)} × times ejected (at most ${s(h.maxEjectionMs)}), never more than ${h.maxEjectionPercent} % of nodes`,
    `retry: up to ${r.maxRetries} retries, backoff ${s(r.initialBackoffMs)} × ${r.backoffMultiplier} up to ${s(r.maxBackoffMs)}, jitter ${r.jitter}${budget}`,
    `deadline: ${s(c.timeoutMs)} per request, retries included${r.attemptTimeoutMs !== undefined ? `; ${s(r.attemptTimeoutMs)} per attempt` : '; per-attempt timeout derived from the node’s reply time'}`,
    `hedging: ${hedge}`,
    `balancer: ${balancers[c.balancer] ?? c.balancer}; a node back from down gets traffic rising over ${s(c.slowStartMs)}`,
  ];
}
