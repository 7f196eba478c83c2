// A console dashboard of router.health$: one line per snapshot. With no hosts it starts a local cluster
// and kills node 2 after a second, so the line changes. Usage: node examples/health-dashboard.mjs [host:port …]
import { createRouter } from 'qdb-router';
import { TestCluster } from 'qdb-router/testing';

const seconds = Number(process.env.SECONDS ?? 3);
const cluster = process.argv.length > 2 ? undefined : await TestCluster.start(3);
const router = createRouter({
  hosts: cluster ? cluster.addresses : process.argv.slice(2),
  health: { intervalMs: 250, timeoutMs: 250 },
});

const subscription = router.health$.subscribe((health) => {
  const nodes = [...health.nodes.values()]
    .map((n) => `${n.nodeId}:${n.status}${n.rttMs === null ? '' : `(${n.rttMs.toFixed(1)}ms)`}`)
    .join('  ');
  console.log(`eligible [${health.eligible.join(',')}]  ${nodes}`);
});

if (cluster) setTimeout(() => cluster.node(2).kill(), 1000);
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
subscription.unsubscribe();
await router.close();
await cluster?.stop();
