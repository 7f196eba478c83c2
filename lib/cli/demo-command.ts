import { parseArgs } from 'node:util';
import { type Dashboard, startDashboard } from '../dashboard/dashboard-server.js';
import { createRouter } from '../router/router.js';
import type { Router } from '../router/router-types.js';
import { ProcessCluster } from '../testing/process-cluster.js';
import { checkPortFree } from './check-port-free.js';
import { cliCredentials } from './cli-credentials.js';
import { dashboardCli } from './dashboard-cli.js';
import { injectFault } from './demo-faults.js';
import { parentPidVariable } from './exit-with-parent.js';
import { listenError } from './listen-error.js';
import { parsePorts } from './parse-ports.js';
import { startSupervisor } from './start-supervisor.js';
import { startTraffic } from './traffic.js';
import { UsageError } from './usage-error.js';

export const demoUsage = `qdb-router demo [--ports 7000,7001,7002] [--port N] [--host NAME] [--allow-control] [--rate 200] [--fault-every 10000] [--token T]
  The one-command demo: a local cluster (one process per node), a router sending --rate requests/s, a fault every
  --fault-every ms (kill, pause, slow down, restart, in turn; 0 turns faults off; each one is marked on the
  dashboard's charts and in its event log) and the live dashboard (URL printed). Ctrl-C (SIGINT), SIGTERM or
  SIGHUP stops everything it started, at any moment; its node processes also end by themselves if the demo is
  killed outright. --token T (or QDB_ROUTER_AUTH_TOKEN): the nodes require this token and the router presents it
  (never printed).
${dashboardCli.usage}`;

/** `qdb-router demo` (what `npm start` runs). */
export async function demoCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ports: { type: 'string', default: '7000,7001,7002' },
      ...dashboardCli.options,
      rate: { type: 'string', default: '200' },
      'fault-every': { type: 'string', default: '10000' },
      token: { type: 'string' },
    },
  });
  const ports = parsePorts(values.ports);
  const { port, options, warnings } = dashboardCli.resolve(values);
  const rate = Number(values.rate);
  const faultEvery = Number(values['fault-every']);
  const credentials = cliCredentials(values.token);
  const auth = credentials ? { token: credentials().token! } : undefined;
  if (!Number.isFinite(rate) || rate < 0) throw new UsageError(`bad --rate ${values.rate}`);
  if (!Number.isFinite(faultEvery) || faultEvery < 0)
    throw new UsageError(`bad --fault-every ${values['fault-every']}`);
  // once stopping, only the demo's own last lines: a fault's pending heal step talking to a stopped node is noise
  let quiet = false;
  const log = (line: string, always = false) => {
    if (!quiet || always) console.log(`${new Date().toLocaleTimeString()}  ${line}`);
  };

  // Stop requests are taken from the first moment: a signal during start-up stops what has started so far.
  let stopRequested = false;
  let wake: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (wake = resolve));
  const onSignal = () => {
    stopRequested = true;
    wake();
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const s of signals) process.on(s, onSignal);
  let cluster: ProcessCluster | undefined;
  let router: Router | undefined;
  let dashboard: Dashboard | undefined;
  // last resort (an exception escaping): no node process outlives this one
  const killNodes = () => {
    for (const n of cluster?.nodes ?? []) if (n.running && n.pid > 1) process.kill(n.pid, 'SIGKILL');
  };
  process.on('exit', killNodes);
  const cleanUp = async () => {
    await dashboard?.close();
    await router?.close();
    await cluster?.stop();
  };

  try {
    try {
      await checkPortFree(port); // a busy --port is refused before any node starts
    } catch (err) {
      console.error(listenError(err, port));
      return 1;
    }
    log(`[1/3] starting ${ports.length} node processes on ports ${ports.join(', ')} …`);
    // the nodes watch this pid and end with it, even when it is killed with SIGKILL
    process.env[parentPidVariable] = String(process.pid);
    try {
      cluster = await ProcessCluster.start(ports, { auth });
    } catch (err) {
      console.error(`error: ${(err as Error).message.split('\n')[0]}`);
      return 1;
    }
    if (stopRequested) return await stopAll(log, cleanUp, () => (quiet = true));
    for (const n of cluster.nodes) log(`      node ${n.nodeId} ${n.address} pid ${n.pid}`);
    log('[2/3] connecting the router …');
    const config = { hosts: cluster.addresses, health: { intervalMs: 500, timeoutMs: 500 }, credentials };
    router = createRouter(config);
    log('[3/3] starting the dashboard …');
    try {
      dashboard = await startDashboard(router, { ...options, config, log: (line) => log(line, true) });
    } catch (err) {
      console.error(listenError(err, port));
      await cleanUp();
      return 1;
    }
    if (stopRequested) return await stopAll(log, cleanUp, () => (quiet = true));
    for (const w of [...warnings, dashboard.metricsUnavailable ?? '']) if (w) log(w);
    log(`dashboard: ${dashboard.url}`);
    log(
      `sending ${rate} requests/s; ${faultEvery > 0 ? `a fault every ${faultEvery / 1000} s` : 'no faults'}; Ctrl-C stops`,
    );

    const traffic = startTraffic(router, rate);
    const statusSub = router.events$.subscribe((e) => {
      if (e.type === 'nodeStatusChanged') log(`node ${e.nodeId}: ${e.previous} → ${e.status} (${e.reason})`);
    });
    // the one place a dead node process is started again (`kill -KILL <pid>` heals too, and so does a kill fault)
    const board = dashboard;
    const supervisor = startSupervisor(cluster, 3000, log, (nodeId, pid) =>
      board.annotate({
        kind: 'heal',
        label: `up ${nodeId}`,
        text: `the demo's supervisor restarted node ${nodeId} (pid ${pid})`,
        nodeId,
      }),
    );
    let step = 0;
    const c = cluster;
    const faults =
      faultEvery > 0
        ? setInterval(() => {
            injectFault(c, step++, faultEvery / 2, log, (m) => board.annotate(m)).catch((err: unknown) =>
              log(`fault failed: ${String(err)}`),
            );
          }, faultEvery)
        : undefined;

    await stopped;
    clearInterval(faults);
    supervisor.stop();
    statusSub.unsubscribe();
    await traffic.stop();
    return await stopAll(log, cleanUp, () => (quiet = true));
  } finally {
    for (const s of signals) process.off(s, onSignal);
    process.off('exit', killNodes);
    killNodes();
  }
}

async function stopAll(
  log: (line: string, always?: boolean) => void,
  cleanUp: () => Promise<void>,
  hush: () => void,
): Promise<number> {
  log('stopping …');
  hush();
  await cleanUp();
  log('stopped', true);
  return 0;
}
