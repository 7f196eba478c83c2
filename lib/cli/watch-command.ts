import { parseArgs } from 'node:util';
import { startDashboard } from '../dashboard/dashboard-server.js';
import type { FeedHealth, FeedStats } from '../dashboard/feed-types.js';
import { createRouter } from '../router/router.js';
import { checkPortFree } from './check-port-free.js';
import { cliCredentials } from './cli-credentials.js';
import { dashboardCli } from './dashboard-cli.js';
import { listenError } from './listen-error.js';
import { statusTable } from './status-table.js';
import { startTraffic } from './traffic.js';
import { UsageError } from './usage-error.js';

export const watchUsage = `qdb-router watch HOST:PORT … [--discover] [--port N] [--host NAME] [--allow-control] [--rate R] [--token T]
  Connects a router to a cluster and shows it live: a table redrawn in place in the terminal, and a web dashboard
  on 127.0.0.1 (the URL is printed) with /events (SSE) and /metrics (Prometheus).
  --discover follows the cluster's own member list (ListNodes, every 5 s): the HOST:PORTs are only seeds; nodes
  added to the cluster appear as joining, removed ones as draining, then leave.
  --rate R sends R requests per second through the router (default 0: health only). Ctrl-C stops.
  --token T authenticates every connection (the token handshake); or set QDB_ROUTER_AUTH_TOKEN, which keeps it
  out of the process list and shell history. The token is never printed.
${dashboardCli.usage}`;

/** `qdb-router watch`. */
export async function watchCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...dashboardCli.options,
      rate: { type: 'string', default: '0' },
      token: { type: 'string' },
      discover: { type: 'boolean', default: false },
    },
  });
  if (positionals.length === 0) throw new UsageError('watch needs at least one HOST:PORT');
  const { port, options, warnings } = dashboardCli.resolve(values);
  const rate = Number(values.rate);
  if (!Number.isFinite(rate) || rate < 0) throw new UsageError(`bad --rate ${values.rate}`);
  try {
    // a busy --port is refused before anything starts
    await checkPortFree(port);
  } catch (err) {
    console.error(listenError(err, port));
    return 1;
  }
  let router: ReturnType<typeof createRouter>;
  const config = {
    hosts: positionals,
    health: { intervalMs: 500, timeoutMs: 500 },
    credentials: cliCredentials(values.token),
    ...(values.discover ? { discovery: { source: 'admin' as const, intervalMs: 5000 } } : {}),
  };
  try {
    router = createRouter(config);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  let dashboard: Awaited<ReturnType<typeof startDashboard>>;
  try {
    dashboard = await startDashboard(router, { ...options, config, log: (line) => console.log(line) });
  } catch (err) {
    // taken between the check and now: close what started, one line, non-zero
    await router.close();
    console.error(listenError(err, port));
    return 1;
  }
  for (const w of warnings) console.log(w);
  if (dashboard.metricsUnavailable) console.log(dashboard.metricsUnavailable);
  console.log(`dashboard: ${dashboard.url}`);
  const traffic = startTraffic(router, rate);
  const tty = process.stdout.isTTY === true;
  const events: string[] = [];
  let health: FeedHealth | undefined;
  let stats: FeedStats | undefined;
  const sub = router.health$.subscribe(() => {
    health = dashboard.metrics.healthJson();
  });
  const eventSub = router.events$.subscribe((e) => {
    if (e.type === 'nodeStatusChanged') {
      const line = `${new Date().toLocaleTimeString()} node ${e.nodeId} ${e.previous} → ${e.status} (${e.reason})`;
      events.push(line);
      if (!tty) console.log(line);
    }
  });
  const redraw = setInterval(() => {
    // the dashboard closes each stats interval; ticking here too would split its counts between two readers
    stats = dashboard.stats;
    if (tty)
      process.stdout.write(
        `\x1b[H\x1b[2J${statusTable(health, stats, events, true)}\n\ndashboard: ${dashboard.url}\n`,
      );
  }, 1000);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(redraw);
  sub.unsubscribe();
  eventSub.unsubscribe();
  await traffic.stop();
  await dashboard.close();
  await router.close();
  console.log('stopped');
  return 0;
}
