// A request loop: sends requests through a router and prints where they went.
// Usage: node examples/request-loop.mjs [host:port …]   (no hosts: starts a local three-node TestCluster)
import { createRouter } from 'qdb-router';
import { TestCluster } from 'qdb-router/testing';

const count = Number(process.env.REQUESTS ?? 300);
const cluster = process.argv.length > 2 ? undefined : await TestCluster.start(3);
const hosts = cluster ? cluster.addresses : process.argv.slice(2);
const router = createRouter({ hosts });

const perNode = new Map();
const started = performance.now();
for (let i = 0; i < count; i++) {
  const reply = await router.request(`request ${i}`);
  perNode.set(reply.sender, (perNode.get(reply.sender) ?? 0) + 1);
}
const ms = performance.now() - started;
console.log(`${count} requests in ${ms.toFixed(0)} ms`);
for (const [node, n] of [...perNode].sort((a, b) => a[0] - b[0])) console.log(`node ${node}: ${n}`);

await router.close();
await cluster?.stop();
