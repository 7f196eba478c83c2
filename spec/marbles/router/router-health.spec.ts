import { of, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ClusterView } from '../../../lib/router/cluster-view.js';
import { HealthFeedback } from '../../../lib/router/health-feedback.js';
import { Lifecycle } from '../../../lib/router/lifecycle.js';
import { NodeErrors } from '../../../lib/router/node-errors.js';
import { Nodes } from '../../../lib/router/nodes.js';
import { routerHealth } from '../../../lib/router/router-health.js';
import { validateConfig } from '../../../lib/router/validate-config.js';
import { memoryConnector } from '../../../lib/testing/memory-connector.js';
import type { ClusterHealth, NodeAddress } from '../../../lib/types.js';
import { drive } from './script-cluster.js';

describe('routerHealth', () => {
  it('probes each node on its pool; a refused connect takes its node down at once (the error table)', async () => {
    const scheduler = new VirtualTimeScheduler();
    const memory = memoryConnector({ scheduler, latencyMs: () => 2, refuse: (id) => id === 2 });
    const { config, addresses } = validateConfig({
      hosts: ['10.0.0.1:7000', '10.0.0.2:7000'],
      scheduler,
      pool: { minConnections: 0 },
      health: { intervalMs: 100, timeoutMs: 50 },
      connect: (a: NodeAddress, signal: AbortSignal) => memory.connect(a, signal),
    });
    const nodes = new Nodes(addresses, config, (e) => feedback.pool(e));
    const cluster = new ClusterView(nodes);
    const feedback = new HealthFeedback(
      config.health,
      () => -1,
      (id) => cluster.latest?.nodes.get(id),
    );
    const members$ = of(addresses.map((a) => ({ id: a.id, address: a.label })));
    const nodeErrors = new NodeErrors(nodes, () => cluster.latest);
    const life = new Lifecycle();
    const health$ = routerHealth({ config, members$, nodes, feedback, nodeErrors, life, emit: () => {} });
    let latest: ClusterHealth | undefined;
    const sub = health$.subscribe((h) => {
      latest = h;
      cluster.update(h);
    });
    await drive(scheduler, 20);
    expect(latest!.nodes.get(1)!.status).toBe('up');
    expect(latest!.nodes.get(2)!.status).toBe('down');
    expect(latest!.eligible).toEqual([1]);
    sub.unsubscribe();
    const closed = nodes.close();
    await drive(scheduler, 10_000);
    await closed;
  });
});
