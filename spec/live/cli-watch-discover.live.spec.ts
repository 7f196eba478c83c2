import { afterEach, describe, expect, it } from 'vitest';
import { CliProcess, freePorts } from '../support/cli-process.js';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function start(args: string[]): CliProcess {
  const cli = CliProcess.start(args);
  cleanup.push(async () => {
    if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
    await cli.exited;
  });
  return cli;
}

/** `n` real node processes that answer ListNodes with all of them; their ports. */
async function startNodes(n: number): Promise<number[]> {
  const ports = await freePorts(n);
  const peers = ports.map((p) => `127.0.0.1:${p}`).join(',');
  for (const [i, port] of ports.entries()) {
    const node = start(['node', '--port', String(port), '--node-id', String(i + 1), '--peers', peers]);
    await node.waitFor(/READY /);
  }
  return ports;
}

interface FeedNode {
  nodeId: number;
  status: string;
  address?: string;
  label?: string;
}

/** Polls the dashboard's /health.json until `ok` holds of its nodes (bounded: a loaded machine keeps 30 s). */
async function healthUntil(
  url: string,
  ok: (nodes: FeedNode[]) => boolean,
  ms = 30_000,
): Promise<FeedNode[]> {
  const deadline = Date.now() + ms;
  let last: FeedNode[] = [];
  while (Date.now() < deadline) {
    const res = await fetch(new URL('/health.json', url));
    const body = (await res.json()) as { nodes?: FeedNode[] } | null;
    last = body?.nodes ?? [];
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`/health.json never matched within ${ms} ms; last: ${JSON.stringify(last)}`);
}

describe('qdb-router watch --discover (real node processes, ListNodes)', () => {
  it('seeded with one node, it finds every member the cluster lists and shows them up', async () => {
    const ports = await startNodes(3);
    const watch = start(['watch', `127.0.0.1:${ports[0]}`, '--discover', '--port', '0']);
    const url = (await watch.waitFor(/dashboard: (http:\/\/\S+)/))[1]!;
    const nodes = await healthUntil(url, (list) => list.length === 3 && list.every((n) => n.status === 'up'));
    const where = nodes.map((n) => n.address ?? n.label ?? '').sort();
    expect(where).toEqual(ports.map((p) => `127.0.0.1:${p}`).sort());
    expect(await watch.interrupt()).toBe(0);
  });

  it('without --discover the same seed shows only itself', async () => {
    const ports = await startNodes(2);
    const watch = start(['watch', `127.0.0.1:${ports[0]}`, '--port', '0']);
    const url = (await watch.waitFor(/dashboard: (http:\/\/\S+)/))[1]!;
    const nodes = await healthUntil(url, (list) => list.length >= 1 && list.every((n) => n.status === 'up'));
    // discovery would have found the second member by now (its first ListNodes is sent at start)
    await new Promise((r) => setTimeout(r, 1500));
    const again = await healthUntil(url, () => true);
    expect(nodes).toHaveLength(1);
    expect(again).toHaveLength(1);
    expect(await watch.interrupt()).toBe(0);
  });
});
