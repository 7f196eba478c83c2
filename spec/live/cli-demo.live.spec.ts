import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../../lib/testing/process-cluster.js';
import { CliProcess, freePorts, nodeProcessesOn } from '../support/cli-process.js';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** A listener holding a port, as another program would. */
async function busyPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  cleanup.push(() => new Promise((resolve) => server.close(resolve)));
  return (server.address() as net.AddressInfo).port;
}

function start(args: string[]): CliProcess {
  const cli = CliProcess.start(args);
  cleanup.push(async () => {
    if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
  });
  return cli;
}

/** Waits until no node process listens on these ports (they watch their parent every 0.5 s). */
async function noNodesOn(ports: number[], ms = 8000): Promise<string> {
  const deadline = Date.now() + ms;
  let left = await nodeProcessesOn(ports);
  while (left !== '' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    left = await nodeProcessesOn(ports);
  }
  return left;
}

describe('qdb-router demo and watch with a busy --port', () => {
  it('demo exits 1 within 2 s with one clear line, and no node process is left', async () => {
    const port = await busyPort();
    const ports = await freePorts(3);
    const started = Date.now();
    const demo = start(['demo', '--ports', ports.join(','), '--port', String(port)]);
    expect(await demo.exited).toBe(1);
    expect(Date.now() - started).toBeLessThan(2000 + 1000); // 2 s, plus Node's own start on a busy machine
    expect(demo.stderr.trim()).toBe(
      `error: port ${port} is already in use (--port ${port}); pick another or 0 for any`,
    );
    expect(demo.output).not.toContain('EADDRINUSE');
    expect(await nodeProcessesOn(ports)).toBe('');
  });

  it('watch exits 1 within 2 s with one clear line', async () => {
    const port = await busyPort();
    const cluster = await ProcessCluster.start(await freePorts(1));
    cleanup.push(() => cluster.stop());
    const started = Date.now();
    const watch = start(['watch', cluster.addresses[0]!, '--port', String(port)]);
    expect(await watch.exited).toBe(1);
    expect(Date.now() - started).toBeLessThan(2000 + 1000);
    expect(watch.stderr.trim()).toBe(
      `error: port ${port} is already in use (--port ${port}); pick another or 0 for any`,
    );
  });
});

describe('qdb-router demo: its node processes never outlive it', () => {
  it('SIGINT during start-up stops the nodes started so far', async () => {
    const ports = await freePorts(3);
    const demo = start(['demo', '--ports', ports.join(','), '--fault-every', '0']);
    await demo.waitFor(/\[1\/3\] starting/);
    expect(await demo.interrupt()).toBe(0);
    expect(await noNodesOn(ports, 2000)).toBe('');
  });

  it('SIGKILL of the demo: the nodes notice their parent is gone and stop', async () => {
    const ports = await freePorts(3);
    const demo = start(['demo', '--ports', ports.join(','), '--fault-every', '0']);
    await demo.waitFor(/dashboard: http/);
    expect(await nodeProcessesOn(ports)).not.toBe('');
    demo.child.kill('SIGKILL');
    await demo.exited;
    expect(await noNodesOn(ports)).toBe('');
  });
});

describe('qdb-router demo: one restarter', () => {
  it('a killed node is restarted once (by the supervisor), and the pid printed is the running one', async () => {
    const ports = await freePorts(3);
    // faults at 4 s (kill node 1), 8 s (pause node 2), 12 s, 16 s (restart node 1: after the checks below)
    const demo = start(['demo', '--ports', ports.join(','), '--fault-every', '4000', '--rate', '20']);
    await demo.waitFor(/fault: SIGKILL node 1/, 20_000);
    const [, pid] = await demo.waitFor(/supervisor: node 1 restarted \(pid (\d+)\)/, 15_000);
    // the old heal step fired at fault-every / 2 after the kill; wait past it and past the next fault
    await demo.waitFor(/fault: SIGSTOP node 2/, 15_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(demo.output.match(/(supervisor|heal): node 1 restarted/g)).toHaveLength(1);
    expect(() => process.kill(Number(pid), 0)).not.toThrow();
    expect(await nodeProcessesOn([ports[0]!])).toBe(pid);
    expect(await demo.interrupt()).toBe(0);
    expect(await nodeProcessesOn(ports)).toBe('');
  });
});
