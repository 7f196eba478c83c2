import { parseArgs } from 'node:util';
import { startDashboard } from '../dashboard/dashboard-server.js';
import { createRouter } from '../router/router.js';
import { ProcessCluster } from '../testing/process-cluster.js';
import { injectFault } from './demo-faults.js';
import { parsePorts } from './parse-ports.js';
import { startTraffic } from './traffic.js';
import { UsageError } from './usage-error.js';

export const demoUsage = `qdb-router demo [--ports 7000,7001,7002] [--port N] [--rate 200] [--fault-every 10000]
  The one-command demo: a local cluster (one process per node), a router sending --rate requests/s, a fault every
  --fault-every ms (kill, pause, slow down, restart, in turn; 0 turns faults off) and the live dashboard
  (URL printed; --port, default any free port). Ctrl-C stops everything it started.`;

/** `qdb-router demo` (what `npm start` runs). */
export async function demoCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ports: { type: 'string', default: '7000,7001,7002' },
      port: { type: 'string', default: '0' },
      rate: { type: 'string', default: '200' },
      'fault-every': { type: 'string', default: '10000' },
    },
  });
  const ports = parsePorts(values.ports);
  const port = Number(values.port);
  const rate = Number(values.rate);
  const faultEvery = Number(values['fault-every']);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`bad --port ${values.port}`);
  if (!Number.isFinite(rate) || rate < 0) throw new UsageError(`bad --rate ${values.rate}`);
  if (!Number.isFinite(faultEvery) || faultEvery < 0)
    throw new UsageError(`bad --fault-every ${values['fault-every']}`);
  const log = (line: string) => console.log(`${new Date().toLocaleTimeString()}  ${line}`);

  log(`[1/3] starting ${ports.length} node processes on ports ${ports.join(', ')} …`);
  let cluster: ProcessCluster;
  try {
    cluster = await ProcessCluster.start(ports);
  } catch (err) {
    console.error(`error: ${(err as Error).message}`);
    return 1;
  }
  for (const n of cluster.nodes) log(`      node ${n.nodeId} ${n.address} pid ${n.pid}`);
  log('[2/3] connecting the router …');
  const router = createRouter({ hosts: cluster.addresses, health: { intervalMs: 500, timeoutMs: 500 } });
  log('[3/3] starting the dashboard …');
  const dashboard = await startDashboard(router, { port });
  log(`dashboard: ${dashboard.url}`);
  log(
    `sending ${rate} requests/s; ${faultEvery > 0 ? `a fault every ${faultEvery / 1000} s` : 'no faults'}; Ctrl-C stops`,
  );

  const traffic = startTraffic(router, rate);
  const statusSub = router.events$.subscribe((e) => {
    if (e.type === 'nodeStatusChanged') log(`node ${e.nodeId}: ${e.previous} → ${e.status} (${e.reason})`);
  });
  // a node whose process died is started again (the demo's supervisor), so `kill -KILL <pid>` heals too
  const dead = new Map<number, number>();
  const supervisor = setInterval(() => {
    for (const n of cluster.nodes) {
      if (n.running || cluster.isRestarting(n.nodeId)) {
        dead.delete(n.nodeId);
        continue;
      }
      const since = dead.get(n.nodeId) ?? Date.now();
      dead.set(n.nodeId, since);
      if (Date.now() - since >= 3000) {
        dead.delete(n.nodeId);
        cluster.restart(n.nodeId).then(
          () => log(`supervisor: node ${n.nodeId} restarted (pid ${cluster.nodes[n.nodeId - 1]!.pid})`),
          () => {},
        );
      }
    }
  }, 500);
  let step = 0;
  const faults =
    faultEvery > 0
      ? setInterval(() => {
          injectFault(cluster, step++, faultEvery / 2, log).catch((err: unknown) =>
            log(`fault failed: ${String(err)}`),
          );
        }, faultEvery)
      : undefined;

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  log('stopping …');
  clearInterval(faults);
  clearInterval(supervisor);
  statusSub.unsubscribe();
  await traffic.stop();
  await dashboard.close();
  await router.close();
  await cluster.stop();
  log('stopped');
  return 0;
}
