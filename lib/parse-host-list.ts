import type { InvalidConfig } from './config.js';
import { parseHost } from './parse-host.js';
import type { NodeAddress } from './types.js';

/**
 * A list of hosts — one entry per node: an address, or a non-empty list of addresses of one node — as node
 * addresses (unranked; `alternatives` empty; ids 1..n by position). The first bad entry or a duplicate
 * `host:port` throws `invalid(field, …)` naming it (`hosts[2]`, `hosts[1][0]`).
 */
export function parseHostList(value: unknown, invalid: InvalidConfig, field = 'hosts'): NodeAddress[][] {
  if (!Array.isArray(value) || value.length === 0) throw invalid(field, value, 'a non-empty array');
  const seen = new Map<string, string>();
  return value.map((entry: unknown, i: number) => {
    const list = Array.isArray(entry) ? entry : [entry];
    if (list.length === 0)
      throw invalid(`${field}[${i}]`, entry, 'an address or a non-empty list of addresses');
    return list.map((host, j) => {
      const at = Array.isArray(entry) ? `${field}[${i}][${j}]` : `${field}[${i}]`;
      const address = parseHost(host, i, at, invalid);
      const key = `${address.host}:${address.port}`;
      if (seen.has(key)) throw invalid(at, host, `no duplicate (same as ${seen.get(key)})`);
      seen.set(key, at);
      return address;
    });
  });
}
