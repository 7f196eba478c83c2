import { configDefaults, type InvalidConfig } from './config.js';
import { configChecker } from './config-checker.js';
import type { ResolvedConfig } from './config-types.js';
import { parseHostList } from './parse-host-list.js';

type MembershipConfig = Pick<ResolvedConfig, 'hosts' | 'hosts$' | 'discovery' | 'joinSpreadMs'>;

/**
 * The membership part of a config: `hosts` (an array, parsed now; or an Observable of host lists, parsed as they
 * come), `discovery` (`{ source: 'admin', intervalMs?, retryIntervalMs? }` or absent) and `joinSpreadMs`.
 */
export function resolveMembership(c: Record<string, unknown>, invalid: InvalidConfig): MembershipConfig {
  const check = configChecker(invalid);
  const observable = typeof (c.hosts as { subscribe?: unknown } | null)?.subscribe === 'function';
  const hosts = observable ? [] : parseHostList(c.hosts, invalid);
  if (observable && Array.isArray(c.hosts)) throw invalid('hosts', c.hosts, 'an array or an Observable');
  check.duration(c, 'joinSpreadMs', '', true);
  let discovery: ResolvedConfig['discovery'] = false;
  if (c.discovery !== undefined && c.discovery !== false) {
    const d = check.section(c, 'discovery', ['source', 'intervalMs', 'retryIntervalMs']);
    if (d.source !== 'admin') throw invalid('discovery.source', d.source, "'admin'");
    check.duration(d, 'intervalMs', 'discovery.');
    check.duration(d, 'retryIntervalMs', 'discovery.');
    discovery = Object.freeze({
      intervalMs: (d.intervalMs as number | undefined) ?? configDefaults.discovery.intervalMs,
      retryIntervalMs: (d.retryIntervalMs as number | undefined) ?? configDefaults.discovery.retryIntervalMs,
    });
  }
  return {
    hosts,
    hosts$: observable ? (c.hosts as ResolvedConfig['hosts$']) : undefined,
    discovery,
    joinSpreadMs: (c.joinSpreadMs as number | undefined) ?? configDefaults.joinSpreadMs,
  };
}
