import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ProcessCluster } from '../../lib/testing/process-cluster.js';
import { TestServer } from '../../lib/testing/test-server.js';
import { CliProcess, freePorts } from '../support/cli-process.js';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function server(): Promise<TestServer> {
  const s = await TestServer.start();
  cleanup.push(() => s.stop());
  return s;
}

describe('qdb-router ping', () => {
  it('prints replies and ping(8)-style statistics; exits 0 when all were answered', async () => {
    const s = await server();
    const ping = CliProcess.start(['ping', s.address, '-c', '2', '-i', '0.05']);
    expect(await ping.exited).toBe(0);
    expect(ping.output).toMatch(/pong from 127\.0\.0\.1:\d+: seq=0 time=[\d.]+ ms/);
    expect(ping.output).toContain('2 sent, 2 received, 0% loss');
    expect(ping.output).toMatch(/rtt min\/avg\/max\/mdev = [\d.]+\/[\d.]+\/[\d.]+\/[\d.]+ ms/);
  });

  it('Ctrl-C (SIGINT) stops it early, prints the statistics and exits 0 when a reply came', async () => {
    const s = await server();
    const ping = CliProcess.start(['ping', s.address, '-c', '1000', '-i', '0.1']);
    await ping.waitFor(/seq=2 /);
    const started = Date.now();
    expect(await ping.interrupt()).toBe(0);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(ping.output).toMatch(/--- 127\.0\.0\.1:\d+ ping statistics ---/);
    // a ping in flight when Ctrl-C came is counted as sent and lost, as ping(8) does
    const [, sent, received, loss] = ping.output
      .match(/(\d+) sent, (\d+) received, (\d+)% loss/)!
      .map(Number);
    expect(sent! - received!).toBeLessThanOrEqual(1);
    expect(loss).toBe(Math.round(((sent! - received!) / sent!) * 100));
  });

  it('Ctrl-C while a hung node (SIGSTOP) leaves a ping unanswered: that ping is lost (100%), exit 1', async () => {
    const cluster = await ProcessCluster.start(await freePorts(1));
    cleanup.push(() => cluster.stop());
    cluster.signal(1, 'SIGSTOP');
    const ping = CliProcess.start(['ping', cluster.addresses[0]!, '-c', '3', '-W', '30']);
    await ping.waitFor(/^PING 127\.0\.0\.1:\d+: 3 pings, interval 1 s, timeout 30 s$/m);
    expect(await ping.interrupt()).toBe(1);
    expect(ping.output).toContain('1 sent, 0 received, 100% loss');
  });

  it('-W is seconds as in ping(8): bounds each probe and the whole run against a hung node (SIGSTOP)', async () => {
    const cluster = await ProcessCluster.start(await freePorts(1));
    cleanup.push(() => cluster.stop());
    cluster.signal(1, 'SIGSTOP');
    // What starting the command costs on this machine right now (node, module loading; seconds when it is busy):
    // the same command, stopped at once by a usage error.
    const startupFrom = performance.now();
    const bare = CliProcess.start(['ping']);
    expect(await bare.exited).not.toBe(0);
    const startupMs = performance.now() - startupFrom;
    const started = performance.now();
    const ping = CliProcess.start(['ping', cluster.addresses[0]!, '--count', '1', '-W', '1']);
    expect(await ping.exited).toBe(1);
    // startup + the documented bound, timeout × (count + 1) = 2 s (the connect is quick: the kernel answers for
    // a stopped process, so it is the 1 s probe that ends it), + 1.5 s for a busy machine's variance; at least
    // the one second waited proves the unit (1 ms would end at once)
    const elapsedMs = performance.now() - started;
    expect(elapsedMs).toBeGreaterThanOrEqual(950);
    expect(elapsedMs, `startup ${Math.round(startupMs)} ms`).toBeLessThan(startupMs + 2000 + 1500);
    expect(ping.output).toMatch(/no pong from 127\.0\.0\.1:\d+: seq=0 ERR_\w+/);
    expect(ping.output).toContain('1 sent, 0 received, 100% loss');
  });

  it('reports a peer that is not a qdb node (an HTTP server) as such', async () => {
    const web = http.createServer((_req, res) => res.end('hello'));
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', () => resolve()));
    cleanup.push(() => new Promise((resolve) => web.close(resolve)));
    const port = (web.address() as AddressInfo).port;
    const ping = CliProcess.start(['ping', `127.0.0.1:${port}`, '-c', '1']);
    expect(await ping.exited).toBe(1);
    expect(ping.output).toContain(`127.0.0.1:${port} is not a qdb node: it looks like an HTTP server`);
    expect(ping.output).not.toContain('ERR_WIRE_FRAME_TOO_LARGE');
  });

  it('brackets IPv6 addresses', async () => {
    const s = await TestServer.start({ host: '::1' });
    cleanup.push(() => s.stop());
    const port = s.address.split(':').at(-1);
    const ping = CliProcess.start(['ping', `[::1]:${port}`, '-c', '1']);
    expect(await ping.exited).toBe(0);
    expect(ping.output).toContain(`pong from [::1]:${port}: seq=0`);
    expect(ping.output).toContain(`--- [::1]:${port} ping statistics ---`);
  });

  it('lists defaults and short flags in --help, prints --version, and names a bad value on stderr', async () => {
    const help = CliProcess.start(['ping', '--help']);
    expect(await help.exited).toBe(0);
    for (const flag of [
      '-c, --count N',
      '(default 4)',
      '-i, --interval SECONDS',
      '(default 1)',
      '-W, --timeout SECONDS',
    ])
      expect(help.output).toContain(flag);
    const version = CliProcess.start(['--version']);
    expect(await version.exited).toBe(0);
    expect(version.output.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const bad = CliProcess.start(['ping', '127.0.0.1:1', '--count', 'lots']);
    expect(await bad.exited).toBe(2);
    expect(bad.stderr).toContain('--count needs a whole number >= 1, got "lots"');
    expect(bad.stdout).toBe('');
    const unit = CliProcess.start(['ping', '127.0.0.1:1', '-W', '1s']);
    expect(await unit.exited).toBe(2);
    expect(unit.stderr).toContain('--timeout needs seconds > 0 (as ping(8): 1, 0.5), got "1s"');
    const address = CliProcess.start(['ping', '127.0.0.1:99999']);
    expect(await address.exited).toBe(2);
    expect(address.stderr).toContain('bad address "127.0.0.1:99999"');
  });
});
