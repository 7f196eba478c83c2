import type { Observable, Subscription } from 'rxjs';
import { ConfigError } from '../errors.js';
import { parseHostList } from '../parse-host-list.js';
import { rankAddresses } from '../transport/rank-addresses.js';
import type { WantedNode } from './member.js';
import type { Membership } from './membership.js';

/**
 * Feeds a `hosts` Observable into membership: each emission is a full host list, parsed and checked as a config's
 * `hosts` is, then diffed (`Membership.update`). An emission that does not parse (or names an address this runtime
 * cannot open), an empty one, and an error of the Observable change nothing: each is a `membershipWarning`.
 */
export function followHosts(hosts$: Observable<unknown>, membership: Membership): Subscription {
  const invalid = (field: string, value: unknown, expected: string) =>
    new ConfigError(field, value, expected);
  return hosts$.subscribe({
    next: (list) => {
      let wanted: WantedNode[];
      try {
        if (Array.isArray(list) && list.length === 0) return membership.update('hosts', []);
        wanted = parseHostList(list, invalid).map((written, i) => {
          const ranked = rankAddresses(written);
          if (ranked.length === 0)
            throw invalid(
              `hosts[${i}]`,
              (list as unknown[])[i],
              'an address with a protocol this runtime supports',
            );
          return { address: { ...ranked[0]!, alternatives: ranked } };
        });
      } catch (err) {
        return membership.warn('hosts', `a hosts update was ignored: ${(err as Error).message}`);
      }
      membership.update('hosts', wanted);
    },
    error: (err) =>
      membership.warn(
        'hosts',
        `the hosts Observable failed (${(err as Error)?.message ?? String(err)}); the set is kept`,
      ),
  });
}
