import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { netFaultMissing } from './net-fault-missing.js';

const run = promisify(execFile);

/** Options of {@link NetFault.start}. */
export interface NetFaultOptions {
  /** The node id the node inside answers as. @defaultValue 1 */
  readonly nodeId?: number;
  /** The port the node listens on inside the namespace. @defaultValue 7000 */
  readonly port?: number;
}

/** Every NetFault of this process still set up (torn down on exit if a test forgot). */
const live = new Set<NetFault>();
let nextIndex = 0;
const prefix = 'qdbnf';

/**
 * Real network faults between the router (this process, the host's network namespace) and one test node, in a
 * network namespace of its own, joined to the host by a veth pair with a /30 of 10.213.0.0/16:
 *
 * ```
 * router ── 10.213.A.B+1 ═veth═ 10.213.A.B+2:7000 [delay proxy] ── 127.0.0.1:P [TestServer]   (namespace qdbnf-…)
 *                               ▲ iptables INPUT/OUTPUT rules of the namespace: black hole, loss
 * ```
 *
 * - `blackhole()`: every packet on the veth dropped, both ways, nothing reset (connects time out; open
 *   connections are half-open);
 * - `loss(p)`: each packet dropped with probability p (iptables `statistic --mode random`);
 * - `latency(ms)`: the delaying TCP proxy in the namespace adds ms to every chunk, both ways;
 * - `clear()`: all of it off.
 *
 * Rules live only in the namespace's own tables (the host's are never touched). `stop()` kills the node, deletes
 * the veth and the namespace, and checks that nothing is left; it runs on every failure of `start()` and, for
 * anything a test forgot, when the process exits. Needs root, `ip` (iproute2) with netns support and `iptables`:
 * `start()` rejects with one line naming what is missing.
 */
export class NetFault {
  /** The namespace's name (`qdbnf-<pid>-<n>`). */
  readonly namespace: string;
  /** The host end of the veth pair. */
  readonly hostLink: string;
  private slot: number;
  private hostIp: string;
  private nodeIp: string;
  private readonly port: number;
  private child: ChildProcess | undefined;
  private output = '';
  private stopped = false;

  private constructor(index: number, options: NetFaultOptions) {
    this.slot = (process.pid * 64 + index) % 16_384;
    [this.hostIp, this.nodeIp] = subnet(this.slot);
    this.namespace = `${prefix}-${process.pid}-${index}`;
    this.hostLink = `qnf${process.pid % 1_000_000}h${index}`.slice(0, 15);
    this.port = options.port ?? 7000;
  }

  /**
   * What is missing to run network faults here, as one line, or undefined when everything is there.
   */
  static missing(): Promise<string | undefined> {
    return netFaultMissing(prefix);
  }

  /** Namespaces and links of ours (any process) still present: empty after every `stop()`. */
  static async leftovers(pid: number = process.pid): Promise<string[]> {
    const ns = (await run('ip', ['netns', 'list'])).stdout;
    const links = (await run('ip', ['-o', 'link', 'show'])).stdout;
    return [
      ...ns
        .split('\n')
        .filter((l) => l.startsWith(`${prefix}-${pid}-`))
        .map((l) => `netns ${l.split(' ')[0]}`),
      ...links
        .split('\n')
        .filter((l) => l.includes(` qnf${pid % 1_000_000}h`))
        .map((l) => `link ${l.split(':')[1]?.trim()}`),
    ];
  }

  /** Sets up the namespace, the veth pair and the node; everything is torn down again if any step fails. */
  static async start(options: NetFaultOptions = {}): Promise<NetFault> {
    const missing = await NetFault.missing();
    if (missing) throw new Error(missing);
    const fault = new NetFault(nextIndex++, options);
    live.add(fault);
    try {
      await fault.setUp(options.nodeId ?? 1);
    } catch (err) {
      await fault.stop();
      throw err;
    }
    return fault;
  }

  /** What the router dials: `10.213.x.y:7000`, inside the namespace. */
  get address(): string {
    return `${this.nodeIp}:${this.port}`;
  }

  /** Pid of the node process inside the namespace. */
  get pid(): number {
    return this.child?.pid ?? -1;
  }

  /** Drops every packet on the link, both ways, without a reset. */
  async blackhole(): Promise<void> {
    await this.rules([
      ['-A', 'INPUT', '-i', 'veth0', '-j', 'DROP'],
      ['-A', 'OUTPUT', '-o', 'veth0', '-j', 'DROP'],
    ]);
  }

  /** Drops each packet on the link with this probability, both ways. */
  async loss(probability: number): Promise<void> {
    if (!(probability >= 0 && probability <= 1))
      throw new RangeError(`loss needs a probability in [0, 1], got ${probability}`);
    const p = String(probability);
    await this.rules([
      ['-A', 'INPUT', '-i', 'veth0', '-m', 'statistic', '--mode', 'random', '--probability', p, '-j', 'DROP'],
      [
        '-A',
        'OUTPUT',
        '-o',
        'veth0',
        '-m',
        'statistic',
        '--mode',
        'random',
        '--probability',
        p,
        '-j',
        'DROP',
      ],
    ]);
  }

  /** Adds `ms` to every chunk through the node's proxy, both ways (0 removes it). */
  async latency(ms: number): Promise<void> {
    await this.command(`latency ${ms}`);
  }

  /** No rule, no latency. */
  async clear(): Promise<void> {
    await this.rules([]);
    await this.command('latency 0');
  }

  /** Clears the node's server fault (`server.clearFault()`), by signal. */
  clearServerFault(): void {
    this.child?.kill('SIGUSR2');
  }

  /**
   * Packets the link's rules have dropped so far (the kernel's counters of the DROP rules, both ways; 0 after
   * `clear()`): evidence that `loss(p)` or `blackhole()` really dropped something, whatever the timing.
   */
  async dropped(): Promise<number> {
    let total = 0;
    for (const chain of ['INPUT', 'OUTPUT']) {
      const { stdout } = await this.ns('iptables', '-L', chain, '-v', '-x', '-n');
      for (const line of stdout.split('\n')) {
        const [pkts, , target] = line.trim().split(/\s+/);
        if (target === 'DROP' && /^\d+$/.test(pkts ?? '')) total += Number(pkts);
      }
    }
    return total;
  }

  /** The namespace's iptables rules (`iptables -S`), for checks. */
  async listRules(): Promise<string> {
    return (await this.ns('iptables', '-S')).stdout;
  }

  /** Kills the node, deletes the veth pair and the namespace (rules go with it); safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    live.delete(this);
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    await run('ip', ['link', 'del', this.hostLink]).catch(() => {});
    await run('ip', ['netns', 'del', this.namespace]).catch(() => {});
    const left = (await NetFault.leftovers()).filter(
      (l) => l.includes(this.namespace) || l.includes(this.hostLink),
    );
    if (left.length > 0) throw new Error(`NetFault.stop() left ${left.join(', ')}`);
  }

  private async setUp(nodeId: number): Promise<void> {
    // another process (another test run) may hold the /30 derived from our pid: take the next free one
    const used = (await run('ip', ['-o', '-4', 'addr', 'show'])).stdout;
    while (used.includes(` ${this.hostIp}/`)) {
      this.slot = (this.slot + 1) % 16_384;
      [this.hostIp, this.nodeIp] = subnet(this.slot);
    }
    await run('ip', ['netns', 'add', this.namespace]);
    await run('ip', [
      'link',
      'add',
      this.hostLink,
      'type',
      'veth',
      'peer',
      'name',
      'veth0',
      'netns',
      this.namespace,
    ]);
    await run('ip', ['addr', 'add', `${this.hostIp}/30`, 'dev', this.hostLink]);
    await run('ip', ['link', 'set', this.hostLink, 'up']);
    await this.ns('ip', 'addr', 'add', `${this.nodeIp}/30`, 'dev', 'veth0');
    await this.ns('ip', 'link', 'set', 'veth0', 'up');
    await this.ns('ip', 'link', 'set', 'lo', 'up');
    const child = spawn(
      'ip',
      [
        'netns',
        'exec',
        this.namespace,
        process.execPath,
        nodeEntry(),
        this.nodeIp,
        String(this.port),
        String(nodeId),
      ],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    await this.waitFor(/READY \S+/, 10_000);
  }

  private async rules(rules: string[][]): Promise<void> {
    await this.ns('iptables', '-F', 'INPUT');
    await this.ns('iptables', '-F', 'OUTPUT');
    for (const rule of rules) await this.ns('iptables', ...rule);
  }

  private ns(...command: string[]) {
    return run('ip', ['netns', 'exec', this.namespace, ...command]);
  }

  private async command(line: string): Promise<void> {
    const before = this.output.length;
    this.child?.stdin?.write(`${line}\n`);
    const deadline = performance.now() + 5000;
    while (!/^(OK|ERROR.*)$/m.test(this.output.slice(before))) {
      if (performance.now() > deadline || !this.child || this.child.exitCode !== null)
        throw new Error(`the node in ${this.namespace} did not answer "${line}": ${this.output}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    if (this.output.slice(before).includes('ERROR')) throw new Error(this.output.slice(before).trim());
  }

  private async waitFor(pattern: RegExp, ms: number): Promise<void> {
    const deadline = performance.now() + ms;
    while (!pattern.test(this.output)) {
      if (performance.now() > deadline || this.child?.exitCode !== null)
        throw new Error(`the node in ${this.namespace} did not start: ${this.output.trim() || 'no output'}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** The node process's entry, from `dist/` (this file may run from `lib/` under a TypeScript test runner). */
function nodeEntry(): string {
  const beside = fileURLToPath(new URL('./net-fault-node.js', import.meta.url));
  if (existsSync(beside)) return beside;
  return fileURLToPath(new URL('../../dist/testing/net-fault-node.js', import.meta.url));
}

/** The host and node addresses of /30 number `slot` (0 … 16383) of 10.213.0.0/16. */
function subnet(slot: number): [string, string] {
  const base = slot * 4;
  return [`10.213.${base >> 8}.${(base & 255) + 1}`, `10.213.${base >> 8}.${(base & 255) + 2}`];
}

// Whatever a test forgot: torn down synchronously when the process exits.
process.once('exit', () => {
  for (const f of live) {
    if (f.pid > 0) {
      try {
        process.kill(f.pid, 'SIGKILL');
      } catch {}
    }
    spawnSync('ip', ['link', 'del', f.hostLink], { stdio: 'ignore' });
    spawnSync('ip', ['netns', 'del', f.namespace], { stdio: 'ignore' });
  }
});
