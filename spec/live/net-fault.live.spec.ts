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
    expect((await open.waitFor(1, 10_000))[0]!.sequence).toBe(1); // TCP retransmits once the path is back
    open.close();
  });

  it('loss(p): drops packets at random (iptables statistic); TCP still delivers, slower', async () => {
    await f.loss(0.3);
    expect(await f.listRules()).toMatch(/-m statistic --mode random --probability 0\.(29|3)/);
    const c = await RawClient.connect(f.address);
    for (let i = 1; i <= 20; i++) c.send(MessageType.Ping, i);
    expect(await c.waitFor(20, 20_000)).toHaveLength(20);
    c.close();
    await f.clear();
    expect(await f.listRules()).not.toMatch(/DROP/);
  });

  it('latency(ms): adds ms each way through the delaying proxy', async () => {
    const c = await RawClient.connect(f.address);
    const base = await rtt(c, 1);
    await f.latency(150);
    const slow = await rtt(c, 2);
    expect(slow).toBeGreaterThanOrEqual(290);
    expect(slow - base).toBeLessThan(2000);
    await f.latency(0);
    expect(await rtt(c, 3)).toBeLessThan(250);
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
