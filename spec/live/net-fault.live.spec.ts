import { execFileSync, spawnSync } from 'node:child_process';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetFault } from '../../lib/testing/net-fault.js';
import { MessageType } from '../../lib/wire/message.js';
import { RawClient } from '../support/raw-client.js';

// Needs root, iproute2 and iptables (.ci/run installs them): without them this fails with one line saying what
// is missing — never a silent skip.
const hostRules = () => execFileSync('iptables', ['-S']).toString();
let before = '';
beforeAll(async () => {
  const missing = await NetFault.missing();
  if (missing) throw new Error(missing);
  before = hostRules();
});
afterAll(async () => {
  expect(await NetFault.leftovers()).toEqual([]);
  expect(hostRules()).toBe(before); // the host's own tables are never touched
});

const rtt = async (c: RawClient, sequence: number) => {
  const start = performance.now();
  c.send(MessageType.Ping, sequence);
  await c.waitFor(c.messages.length + 1, 10_000);
  return performance.now() - start;
};

/**
 * The fastest of `n` round trips: what the path itself costs. A loaded machine (our loop, the proxy's, the
 * node's, all waiting for a core) only ever adds to a sample, so the minimum of a few is the path's time plus
 * little noise, where a single sample may carry a few hundred ms of someone else's work.
 */
const fastest = async (c: RawClient, first: number, n = 5) => {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++) best = Math.min(best, await rtt(c, first + i));
  return best;
};

describe('NetFault: real network faults between this process and one node', () => {
  let f: NetFault;
  beforeAll(async () => {
    f = await NetFault.start({ nodeId: 3 });
  });
  afterAll(() => f?.stop());

  it('serves through its own namespace on a 10.213.x.y address', async () => {
    expect(f.address).toMatch(/^10\.213\.\d+\.\d+:7000$/);
    const c = await RawClient.connect(f.address);
    c.send(MessageType.Ping, 1);
    expect((await c.waitFor(1))[0]).toMatchObject({ type: MessageType.Pong, sender: 3 });
    c.close();
  });

  it('blackhole: connects time out, open connections hang without a reset; clear() heals', async () => {
    const open = await RawClient.connect(f.address);
    await f.blackhole();
    open.send(MessageType.Ping, 1);
    const [host, port] = f.address.split(':');
    const attempt = net.connect({ host, port: Number(port), timeout: 800 });
    const outcome = await new Promise<string>((resolve) => {
      attempt.once('timeout', () => resolve('timeout'));
      attempt.once('connect', () => resolve('connected'));
      attempt.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    attempt.destroy();
    expect(outcome).toBe('timeout');
    expect(open.messages).toHaveLength(0);
    expect(open.closed).toBe(false);
    await f.clear();
    // TCP retransmits once the path is back: at its next backoff step (0.2 s doubling), which for a black hole
    // the loaded machine's setup made last a few seconds is a few seconds away
    expect((await open.waitFor(1, 30_000))[0]!.sequence).toBe(1);
    open.close();
  }, 60_000);

  it('loss(p): drops packets at random (iptables statistic); TCP still delivers, slower', async () => {
    // connected first: a SYN lost twice costs 1 + 2 s of retransmission (3 s, 7 s, 15 s … after more), a bound
    // no timing margin keeps; what loss does to a connection's data is what this is about
    const c = await RawClient.connect(f.address);
    c.socket.setNoDelay(true); // each ping its own segment: 20 packets out, 20 back, each a coin toss
    await f.loss(0.3);
    expect(await f.listRules()).toMatch(/-m statistic --mode random --probability 0\.(29|3)/);
    for (let i = 1; i <= 20; i++) {
      c.send(MessageType.Ping, i);
      await new Promise((r) => setTimeout(r, 5));
    }
    // every ping answered, in order: TCP retransmits what was dropped (a data segment lost 7 times in a row
    // would take 0.2 × (2^7 − 1) = 25 s: p = 0.3^7 ≈ 2e-4)
    const replies = await c.waitFor(20, 60_000);
    expect(replies.map((m) => m.sequence)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    // and packets really were dropped — the kernel's counters, not a clock: P(none of 40+ dropped) ≈ 0.7^40
    expect(await f.dropped()).toBeGreaterThan(0);
    c.close();
    await f.clear();
    expect(await f.listRules()).not.toMatch(/DROP/);
    expect(await f.dropped()).toBe(0);
  }, 90_000);

  it('latency(ms): adds ms each way through the delaying proxy', async () => {
    // fastest of five round trips each time: a loaded machine only adds to a sample (see `fastest`)
    const c = await RawClient.connect(f.address);
    const base = await fastest(c, 1);
    await f.latency(150);
    const slow = await fastest(c, 10);
    // every round trip pays 2 × 150 ms, even the fastest of five; without the delay, five in a row this slow
    // would take a machine stalled 290 ms on each
    expect(slow).toBeGreaterThanOrEqual(290);
    expect(slow - base).toBeLessThan(2000);
    await f.latency(0);
    // removed: the fastest round trip is back below the delayed path's by most of the 300 ms
    const after = await fastest(c, 20);
    expect(after).toBeLessThan(slow - 150);
    c.close();
  });
});

describe('NetFault where it cannot run', () => {
  const missingAs = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
    spawnSync(
      args[0]!,
      [
        ...args.slice(1),
        process.execPath,
        '--input-type=module',
        '-e',
        `import { NetFault } from '${new URL('../../dist/testing/net-fault.js', import.meta.url).pathname}';
         console.log(await NetFault.missing());`,
      ],
      { env, encoding: 'utf8' },
    ).stdout.trim();

  it('names what is missing in one line: root', () => {
    expect(missingAs(['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'])).toBe(
      'network faults need root (ip netns, iptables); running as uid 65534',
    );
  });

  it('names what is missing in one line: the ip command', () => {
    expect(missingAs(['/usr/bin/env'], { ...process.env, PATH: '/nonexistent' })).toBe(
      'network faults need the `ip` command (Debian package iproute2): not found',
    );
  });
});

describe('NetFault teardown', () => {
  it('stop() leaves no namespace, link or rule behind, and is safe twice', async () => {
    const f = await NetFault.start();
    await f.blackhole();
    const ns = execFileSync('ip', ['netns', 'list']).toString();
    expect(ns).toContain(f.namespace);
    await f.stop();
    await f.stop();
    expect(execFileSync('ip', ['netns', 'list']).toString()).not.toContain(f.namespace);
    expect(execFileSync('ip', ['-o', 'link', 'show']).toString()).not.toContain(f.hostLink);
    expect(await NetFault.leftovers()).toEqual([]);
  });

  it('links at once get their own namespace, link and /30', async () => {
    const [a, b] = [await NetFault.start(), await NetFault.start()];
    try {
      expect(new Set([a.namespace, b.namespace]).size).toBe(2);
      expect(a.address.split(':')[0]).not.toBe(b.address.split(':')[0]);
      for (const f of [a, b]) {
        const c = await RawClient.connect(f.address);
        c.send(MessageType.Ping, 1);
        await c.waitFor(1);
        c.close();
      }
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('a start that fails halfway tears down what it set up', async () => {
    await expect(NetFault.start({ port: 70_000 })).rejects.toThrow(/did not start/);
    expect(await NetFault.leftovers()).toEqual([]);
  });
});
