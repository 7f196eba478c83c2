import { spawn } from 'node:child_process';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../../lib/testing/process-cluster.js';
import { CliProcess, freePorts, nodeProcessesOn } from '../support/cli-process.js';

const root = new URL('../../', import.meta.url).pathname;
const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

describe('ProcessCluster', () => {
  it('clearFault resolves once the fault is cleared: the very next Admin message and request get through', async () => {
    const cluster = await ProcessCluster.start(await freePorts(1));
    cleanup.push(() => cluster.stop());
    for (const kind of ['close-on-accept', 'never-read'] as const) {
      await cluster.setFault(1, { kind });
      await cluster.clearFault(1);
      expect(await cluster.admin(1, { command: 'stats' }, 2000)).toMatchObject({ fault: null });
    }
    cluster.signal(1, 'SIGKILL');
    await cluster.exited(1);
    await cluster.clearFault(1); // nothing to clear on a node that is gone: resolves at once
  });

  it('a port in use rejects start naming the port, before any node starts', async () => {
    const [free, busy] = await freePorts(2);
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(busy, '127.0.0.1', () => resolve()));
    cleanup.push(() => new Promise((resolve) => holder.close(resolve)));
    await expect(ProcessCluster.start([free!, busy!])).rejects.toThrow(
      new RegExp(`port ${busy} is already in use .*no node was started`),
    );
    expect(await nodeProcessesOn([free!, busy!])).toBe('');
  });

  it('a program that starts a cluster and dies of an uncaught error leaves no node process behind', async () => {
    const ports = await freePorts(3);
    const program = `
      import { ProcessCluster } from './dist/testing/index.js';
      const cluster = await ProcessCluster.start(${JSON.stringify(ports)});
      console.log('STARTED', cluster.nodes.map((n) => n.pid).join(','));
      throw new Error('the example failed before cluster.stop()');
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', program], { cwd: root });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(out).toContain('STARTED');
    expect(out).toContain('the example failed');
    // killed in the program's 'exit' handler: gone by the time it exited (a little slack for the kernel)
    await expect.poll(() => nodeProcessesOn(ports), { timeout: 5000 }).toBe('');
    const again = await ProcessCluster.start(ports); // the ports are free again
    await again.stop();
  });

  it('a program killed with SIGKILL (no exit handler runs): its nodes stop by themselves', async () => {
    const ports = await freePorts(2);
    const program = `
      import { ProcessCluster } from './dist/testing/index.js';
      await ProcessCluster.start(${JSON.stringify(ports)});
      console.log('STARTED');
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', program], { cwd: root });
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (d: Buffer) => d.toString().includes('STARTED') && resolve()),
    );
    expect(await nodeProcessesOn(ports)).not.toBe('');
    child.kill('SIGKILL');
    // the nodes watch their parent every 500 ms and stop gracefully: 10 s leaves room for a loaded machine
    await expect.poll(() => nodeProcessesOn(ports), { timeout: 10_000, interval: 200 }).toBe('');
  });

  it('`qdb-router cluster`: Ctrl-C stops every node and prints a final `stopped`', async () => {
    const ports = await freePorts(2);
    const cli = CliProcess.start(['cluster', '--ports', ports.join(',')]);
    await cli.waitFor(/cluster ready/);
    expect(await cli.interrupt()).toBe(0);
    expect(cli.stdout.trim().split('\n').slice(-2)).toEqual(['stopping …', 'stopped']);
    expect(await nodeProcessesOn(ports)).toBe('');
  });
});
