import { afterEach, describe, expect, it } from 'vitest';
import { SseParser } from '../../lib/dashboard/parse-sse.js';
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
  const parser = new SseParser();
  const found: unknown[] = [];
  while (found.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    for (const e of parser.push(value)) if (e.event === type) found.push(JSON.parse(e.data));
  }
  controller.abort();
  return found;
}

async function checkServes(url: string) {
  const page = await (await fetch(url)).text();
  expect(page).toContain('<title>qdb-router dashboard</title>');
  const app = await fetch(`${url}app.js`);
  expect(app.headers.get('content-type')).toContain('javascript');
  const [health] = (await readFeed(url, 'health')) as Array<{ nodes: unknown[] }>;
  expect(health!.nodes).toHaveLength(3);
  const metrics = await (await fetch(`${url}metrics`)).text();
  expect(metrics).toContain('# TYPE qdb_node_up gauge');
  expect(metrics.match(/^qdb_node_up\{/gm)).toHaveLength(3);
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
    expect(await demo.interrupt()).toBe(0);
    expect(demo.output).toContain('stopped');
    expect(await nodeProcessesOn(ports)).toBe('');
  });

  it('prints usage and exits non-zero on a bad argument', async () => {
    const bad = CliProcess.start(['demo', '--rate', 'lots']);
    expect(await bad.exited).toBe(2);
    expect(bad.output).toContain('bad --rate lots');
    expect(bad.output).toContain('qdb-router demo [--ports');
  });
});

describe('qdb-router watch', () => {
  it('watches a running cluster: page, feed, /metrics; SIGINT stops it and leaves the cluster alone', async () => {
    const cluster = await ProcessCluster.start(await freePorts(3));
    cleanup.push(() => cluster.stop());
    const watch = CliProcess.start(['watch', ...cluster.addresses, '--rate', '50']);
    cleanup.push(async () => {
      if (watch.child.exitCode === null) await watch.interrupt();
    });
    const [, url] = await watch.waitFor(/dashboard: (http:\/\/\S+)/);
    await checkServes(url!);
    cluster.signal(2, 'SIGKILL');
    await watch.waitFor(/node 2 up → down/, 10_000);
    expect(await watch.interrupt()).toBe(0);
    expect(cluster.nodes.filter((n) => n.running)).toHaveLength(2);
  });
});
