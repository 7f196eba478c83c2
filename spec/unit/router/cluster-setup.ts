import { VirtualTimeScheduler } from 'rxjs';
import { ClusterView } from '../../../lib/router/cluster-view.js';
import { Nodes } from '../../../lib/router/nodes.js';
import { Picker } from '../../../lib/router/picker.js';
import { validateConfig } from '../../../lib/router/validate-config.js';
import { nodeHealth } from '../../../lib/streams/node-health.js';
import { NodeMap } from '../../../lib/streams/node-map.js';
import type { NodeId } from '../../../lib/types.js';

/** Real nodes (no connections), a ClusterView fed by hand and a Picker over it. */
export function setup(n: number, balancer: 'p2c' | 'round-robin' = 'round-robin') {
  const scheduler = new VirtualTimeScheduler();
  const hosts = Array.from({ length: n }, (_, i) => `10.0.${i >> 8}.${(i & 255) + 1}:7000`);
  const { config, addresses } = validateConfig({ hosts, scheduler, balancer, pool: { minConnections: 0 } });
  const nodes = new Nodes(addresses, config, () => {});
  const cluster = new ClusterView(nodes);
  const set = (eligible: NodeId[], recoveredAt: number | null = null) =>
    cluster.update({
      at: 0,
      nodes: NodeMap.of(addresses.map((a) => ({ ...nodeHealth.initial(a.id, a.label, 0), recoveredAt }))),
      eligible,
      panic: false,
      changed: [],
    });
  return { picker: new Picker(config, cluster), cluster, set, addresses };
}
