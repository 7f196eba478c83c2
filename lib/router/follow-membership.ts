import type { ResolvedConfig } from '../config.js';
import type { ClusterView } from './cluster-view.js';
import { discovery } from './discovery.js';
import { followHosts } from './follow-hosts.js';
import type { Membership } from './membership.js';
import type { Nodes } from './nodes.js';

/**
 * Starts the membership sources of a config — the `hosts` Observable (`followHosts`) and discovery 'admin'
 * (`discovery`, asking the eligible nodes of `cluster`) — into `membership`. Returns what stops them all (the
 * router's `close()`): no update is applied afterwards.
 */
export function followMembership(
  config: Readonly<ResolvedConfig>,
  membership: Membership,
  nodes: Nodes,
  cluster: ClusterView,
): () => void {
  const following = config.hosts$ ? followHosts(config.hosts$, membership) : undefined;
  const discovering = config.discovery
    ? discovery({
        ...config.discovery,
        timeoutMs: config.timeoutMs,
        scheduler: config.scheduler,
        random: config.random,
        eligible: () => cluster.eligible,
        inService: (id) => membership.inService(id),
        addressOf: (id) => membership.get(id)?.address,
        send: (id, type, payload, deadline, done) => {
          const handle = nodes.send(id, type, payload, deadline, done);
          return () => handle.cancel();
        },
        apply: (wanted, version) => membership.update('discovery', wanted, version),
        warn: (message) => membership.warn('discovery', message),
      })
    : undefined;
  return () => {
    membership.close();
    following?.unsubscribe();
    discovering?.unsubscribe();
  };
}
