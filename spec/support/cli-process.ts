import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';

const root = new URL('../../', import.meta.url).pathname;

/** Free loopback ports (bound then released). */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<net.Server>((resolve) => {
          const s = net.createServer();
          s.listen(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** A `qdb-router` command running as a user would run it, with its output collected. */
export class CliProcess {
  /** stdout and stderr interleaved as they came */
  output = '';
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  private constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (d: Buffer) => {
      this.output += d.toString();
      this.stdout += d.toString();
    });
    child.stderr!.on('data', (d: Buffer) => {
      this.output += d.toString();
      this.stderr += d.toString();
    });
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static start(args: string[]): CliProcess {
    return new CliProcess(
      spawn(process.execPath, [`${root}bin/qdb-router.js`, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }),
    );
  }

  /** Resolves with the first match of `pattern` in the output, or rejects after `ms`. */
  async waitFor(pattern: RegExp, ms = 20_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + ms;
    for (;;) {
      const match = this.output.match(pattern);
      if (match) return match;
      if (Date.now() > deadline) throw new Error(`no ${pattern} within ${ms} ms; output:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** SIGINT, then the exit code (SIGKILL after `ms`, which fails the caller's expectation of 0). */
  async interrupt(ms = 15_000): Promise<number | null> {
    this.child.kill('SIGINT');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), ms);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

/** Pids of node processes on these ports still running. */
export function nodeProcessesOn(ports: number[]): Promise<string> {
  return new Promise((resolve) => {
    const p = spawn('pgrep', ['-f', `node --port (${ports.join('|')})( |$)`]);
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('exit', () => resolve(out.trim()));
  });
}
