import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkPortFree } from '../cli/check-port-free.js';
import { parentPidVariable } from '../cli/exit-with-parent.js';
import type { Fault } from './fault.js';
import { sendAdminCommand } from './send-admin-command.js';
import { validateFault } from './validate-fault.js';

/** One node process of a {@link ProcessCluster}. */
export interface ProcessNode {
  readonly nodeId: number;
  readonly port: number;
  readonly address: string;
  /** Pid of the current process (changes on restart). */
  readonly pid: number;
  /** True until the process exits. */
  readonly running: boolean;
}

/** Options of {@link ProcessCluster.start}. */
export interface ProcessClusterOptions {
  /** Every node requires this token (TestServer `auth`; passed in the environment, never on the command line). */
  readonly auth?: { readonly token: string; readonly ttlMs?: number };
}

interface NodeState {
  nodeId: number;
  port: number;
  child: ChildProcess;
  exited: Promise<number | null>;
  running: boolean;
  /** Waiters for the node's next `FAULT CLEARED` line. */
  cleared: Array<() => void>;
}

/** Every node process still running, killed when this process exits (an example that threw, a failed test). */
const live = new Set<ChildProcess>();
let exitHook = false;

/** The `qdb-router` CLI entry, from `dist/` (this file may run from `lib/` under a TypeScript test runner). */
export function cliEntry(): string {
  const beside = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  if (existsSync(beside)) return beside;
  return fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
}

/**
 * Test servers in separate OS processes (`qdb-router node --port P`), so faults are real: `signal(1, 'SIGKILL')`
 * crashes node 1, `SIGSTOP` / `SIGCONT` hang and resume it, `restart(1)` starts it again on the same port.
 * Node ids are 1..n in port order. A port already in use rejects `start` naming the port before any node starts.
 * The node processes never outlive this one: they are killed when it exits (even after an uncaught error), and
 * they watch its pid, so they stop by themselves when it is killed (even by SIGKILL).
 */
export class ProcessCluster {
  private readonly states: NodeState[];
  private readonly restarts = new Map<number, Promise<void>>();
  private stopped = false;

  private constructor(
    states: NodeState[],
    private readonly options: ProcessClusterOptions,
  ) {
    this.states = states;
  }

  static async start(ports: readonly number[], options: ProcessClusterOptions = {}): Promise<ProcessCluster> {
    for (const port of ports) {
      try {
        await checkPortFree(port);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new Error(
          code === 'EADDRINUSE'
            ? `port ${port} is already in use (a cluster left running? \`ss -ltnp 'sport = :${port}'\` shows who holds it); no node was started`
            : `port ${port} cannot be used (${code ?? String(err)}); no node was started`,
        );
      }
    }
    const started: NodeState[] = [];
    try {
      for (const [i, port] of ports.entries()) started.push(await spawnNode(i + 1, port, options, ports));
    } catch (err) {
      await Promise.all(started.map((s) => stopState(s)));
      throw err;
    }
    return new ProcessCluster(started, options);
  }

  get nodes(): ProcessNode[] {
    return this.states.map((s) => ({
      nodeId: s.nodeId,
      port: s.port,
      address: `127.0.0.1:${s.port}`,
      pid: s.child.pid ?? -1,
      running: s.running,
    }));
  }

  get addresses(): string[] {
    return this.states.map((s) => `127.0.0.1:${s.port}`);
  }

  /** Sends a signal to a node's process (SIGKILL, SIGSTOP, SIGCONT, SIGTERM …). */
  signal(nodeId: number, signal: NodeJS.Signals): void {
    const s = this.state(nodeId);
    if (s.running) s.child.kill(signal);
  }

  /** Sends an Admin command (docs/testing.md) to a node over a connection of its own; resolves with the reply. */
  admin(nodeId: number, command: object, timeoutMs = 2000): Promise<unknown> {
    const address = `127.0.0.1:${this.state(nodeId).port}`;
    return sendAdminCommand(address, command, timeoutMs, this.options.auth?.token);
  }

  /** `server.setFault(fault)` in the node's process, through an Admin message; rejects for an invalid fault. */
  async setFault(nodeId: number, fault: Fault): Promise<void> {
    validateFault(fault);
    const reply = (await this.admin(nodeId, { command: 'setFault', fault })) as {
      ok: boolean;
      error?: string;
    };
    if (!reply.ok) throw new Error(`node ${nodeId} refused the fault: ${reply.error}`);
    // the node sets close-on-accept 10 ms after replying (it would close this very connection first)
    if (fault.kind === 'close-on-accept') await new Promise((resolve) => setTimeout(resolve, 50));
  }

  /**
   * `server.clearFault()` in the node's process; resolves once the node has cleared it (it prints `FAULT CLEARED`),
   * so the next Admin message or request meets a healthy node. By signal (SIGUSR2), not Admin message: under
   * `never-read` or `close-on-accept` the node could not read one. Resolves at once for a node not running;
   * rejects after `timeoutMs` (a node stopped by SIGSTOP cannot answer: SIGCONT it first).
   */
  clearFault(nodeId: number, timeoutMs = 5000): Promise<void> {
    const s = this.state(nodeId);
    if (!s.running) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        s.cleared.splice(s.cleared.indexOf(done), 1);
        reject(
          new Error(
            `node ${nodeId} did not confirm clearing its fault within ${timeoutMs} ms (is it stopped?)`,
          ),
        );
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      s.cleared.push(done);
      void s.exited.then(done);
      s.child.kill('SIGUSR2');
    });
  }

  /** How many times the node executed the request with this id (`server.executions(id)`). */
  async executions(nodeId: number, id: string): Promise<number> {
    return ((await this.admin(nodeId, { command: 'executions', id })) as { executions: number }).executions;
  }

  /** Waits for a node's process to exit (after SIGKILL, say). */
  async exited(nodeId: number): Promise<void> {
    await this.state(nodeId).exited;
  }

  /** True while `restart(nodeId)` is under way. */
  isRestarting(nodeId: number): boolean {
    return this.restarts.has(nodeId);
  }

  /**
   * Starts a node again on its port, killing the running process first if there is one. Concurrent calls for
   * one node share one restart; after `stop()` it rejects, so nothing is started behind a stopped cluster.
   */
  restart(nodeId: number): Promise<void> {
    if (this.stopped) return Promise.reject(new Error('the cluster is stopped'));
    const pending = this.restarts.get(nodeId);
    if (pending) return pending;
    const run = (async () => {
      const s = this.state(nodeId);
      if (s.running) {
        s.child.kill('SIGCONT');
        s.child.kill('SIGKILL');
        await s.exited;
      }
      const next = await spawnNode(
        nodeId,
        s.port,
        this.options,
        this.states.map((x) => x.port),
      );
      if (this.stopped) await stopState(next);
      else this.states[nodeId - 1] = next;
    })().finally(() => this.restarts.delete(nodeId));
    this.restarts.set(nodeId, run);
    return run;
  }

  /** Stops every node: SIGCONT then SIGTERM (graceful), SIGKILL after 5 s. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.restarts.values()]);
    await Promise.all(this.states.map((s) => stopState(s)));
  }

  private state(nodeId: number): NodeState {
    const s = this.states[nodeId - 1];
    if (!s) throw new RangeError(`no node ${nodeId} in a cluster of ${this.states.length}`);
    return s;
  }
}

function spawnNode(
  nodeId: number,
  port: number,
  options: ProcessClusterOptions,
  peers: readonly number[],
): Promise<NodeState> {
  // every node answers ListNodes with the whole cluster (qdb-router watch --discover)
  const members = peers.map((p) => `127.0.0.1:${p}`).join(',');
  const args = [cliEntry(), 'node', '--port', String(port), '--node-id', String(nodeId), '--peers', members];
  const { auth } = options;
  if (auth?.ttlMs !== undefined) args.push('--auth-ttl-ms', String(auth.ttlMs));
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    // the node stops by itself once this process is gone, however it ended (see exitWithParent);
    // a token travels in the environment, never on the command line
    env: {
      ...process.env,
      [parentPidVariable]: String(process.pid),
      ...(auth ? { QDB_ROUTER_AUTH_TOKEN: auth.token } : {}),
    },
  });
  live.add(child);
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => {
      for (const c of live) {
        c.kill('SIGCONT');
        c.kill('SIGKILL');
      }
    });
  }
  const state: NodeState = {
    nodeId,
    port,
    child,
    running: true,
    cleared: [],
    exited: new Promise((resolve) =>
      child.once('exit', (code) => {
        state.running = false;
        live.delete(child);
        resolve(code);
      }),
    ),
  };
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    let partial = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.stdout!.on('data', (d: Buffer) => {
      const text = d.toString();
      if (out.length < 4096) out += text;
      if (out.includes('READY')) resolve(state);
      const lines = (partial + text).split('\n');
      partial = lines.pop()!;
      for (const line of lines) if (line.trim() === 'FAULT CLEARED') state.cleared.shift()?.();
    });
    void state.exited.then((code) => {
      reject(new Error(`node ${nodeId} on port ${port} exited with ${code}: ${err.trim() || out.trim()}`));
    });
  });
}

async function stopState(s: NodeState): Promise<void> {
  if (!s.running) return;
  s.child.kill('SIGCONT');
  s.child.kill('SIGTERM');
  const force = setTimeout(() => s.child.kill('SIGKILL'), 5000);
  await s.exited;
  clearTimeout(force);
}
