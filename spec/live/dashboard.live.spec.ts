import { createParser } from 'eventsource-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../../lib/testing/process-cluster.js';
import { CliProcess, freePorts, nodeProcessesOn } from '../support/cli-process.js';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** Reads the SSE feed until it has seen `count` events of `type`. */
async function readFeed(url: string, type: string, count = 1) {
  const controller = new AbortController();
  const response = await fetch(`${url}events`, { signal: controller.signal });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const found: unknown[] = [];
  const parser = createParser({
    onEvent: (e) => {
      if (e.event === type) found.push(JSON.parse(e.data));
    },
  });
  while (found.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    parser.feed(value);
  }
  controller.abort();
  return found;
}

async function checkServes(url: string) {
  const page = await (await fetch(url)).text();
  expect(page).toContain('<title>qdb-router dashboard</title>');
  for (const script of ['app.js', 'feed-events.js', 'draw-chart.js', 'node-card.js', 'chart-series.js']) {
    const res = await fetch(`${url}${script}`);
    expect(res.headers.get('content-type'), script).toContain('javascript');
  }
  expect((await fetch(`${url}favicon.svg`)).headers.get('content-type')).toBe('image/svg+xml');
  const [health] = (await readFeed(url, 'health')) as Array<{ nodes: unknown[] }>;
  expect(health!.nodes).toHaveLength(3);
  const [history] = (await readFeed(url, 'history')) as Array<unknown[]>;
  expect(Array.isArray(history)).toBe(true);
  const metrics = await (await fetch(`${url}metrics`)).text();
  expect(metrics).toContain('# TYPE qdb_router_node_eligible gauge');
  expect(metrics.match(/^qdb_router_node_eligible\{/gm)).toHaveLength(3);
  expect(metrics).toContain('# TYPE db_client_connection_count gauge');
  expect(metrics).not.toMatch(/ -1$/m);
  expect((await fetch(`${url}nope`)).status).toBe(404);
}

describe('qdb-router demo', () => {
  it('starts a cluster, serves the page, the SSE feed and /metrics, and stops cleanly on SIGINT', async () => {
    const ports = await freePorts(3);
    const demo = CliProcess.start([
      'demo',
      '--ports',
      ports.join(','),
      '--fault-every',
      '1500',
      '--rate',
      '100',
    ]);
    cleanup.push(async () => {
      if (demo.child.exitCode === null) await demo.interrupt();
    });
    const [, url] = await demo.waitFor(/dashboard: (http:\/\/\S+)/);
    await checkServes(url!);
    await demo.waitFor(/fault: SIGKILL node 1/, 10_000);
    const stats = (await readFeed(url!, 'stats', 2)) as Array<{ requestsPerSecond: number }>;
    expect(stats.some((s) => s.requestsPerSecond > 0)).toBe(true);
    const metrics = await (await fetch(`${url}metrics`)).text();
    expect(metrics).toContain('# TYPE db_client_operation_duration_seconds histogram');
    expect(metrics).toMatch(/^db_client_operation_duration_seconds_bucket\{.*le="0\.005"\} \d+$/m);
    expect(await demo.interrupt()).toBe(0);
    expect(demo.output).toContain('stopped');
    expect(await nodeProcessesOn(ports)).toBe('');
  });

  it('prints usage and exits non-zero on a bad argument', async () => {
    const bad = CliProcess.start(['demo', '--rate', 'lots']);
    expect(await bad.exited).toBe(2);
    expect(bad.output).toContain('bad --rate lots');
    expect(bad.output).toContain('qdb-router demo [--ports');
    expect(bad.output).toMatch(/--host NAME {6}listen on NAME instead of 127\.0\.0\.1/);
    expect(bad.output).not.toContain('${');
  });
});

describe('qdb-router watch', () => {
  it('watches a running cluster: page, feed, /metrics; a down node has no RTT; SIGINT leaves the cluster alone', async () => {
    const cluster = await ProcessCluster.start(await freePorts(3));
    cleanup.push(() => cluster.stop());
    const watch = CliProcess.start(['watch', ...cluster.addresses, '--rate', '50']);
    cleanup.push(async () => {
      if (watch.child.exitCode === null) await watch.interrupt();
    });
    const [, url] = await watch.waitFor(/dashboard: (http:\/\/\S+)/);
    await checkServes(url!);
    cluster.signal(2, 'SIGKILL');
    await watch.waitFor(/node 2 (up|suspect) → down/, 10_000);
    // the stale RTT of a down node is not reported as if it were current
    const health = (await (await fetch(`${url}health.json`)).json()) as {
      nodes: Array<{ status: string; rttMs: number | null; lastRttMs: number | null; why: string }>;
    };
    expect(health.nodes[1]).toMatchObject({ status: 'down', rttMs: null });
    expect(health.nodes[1]!.lastRttMs).toBeGreaterThan(0);
    expect(health.nodes[1]!.why).not.toMatch(/^(probe|passive|initial)$/);
    const metrics = await (await fetch(`${url}metrics`)).text();
    expect(metrics).toMatch(/^qdb_router_node_rtt_seconds\{.*qdb_node_id="2"\} NaN$/m);
    expect(metrics.match(/^qdb_router_node_rtt_seconds\{.*\} \d[\d.e-]*$/gm)).toHaveLength(2);
    expect(metrics).toMatch(/^qdb_router_node_status\{.*qdb_node_id="2",qdb_node_status="down"\} 1$/m);
    expect(await watch.interrupt()).toBe(0);
    expect(cluster.nodes.filter((n) => n.running)).toHaveLength(2);
  });
});
