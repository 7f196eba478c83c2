import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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
}

/** The `qdb-router` CLI entry, from `dist/` (this file may run from `lib/` under a TypeScript test runner). */
export function cliEntry(): string {
  const beside = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  if (existsSync(beside)) return beside;
  return fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
}

/**
 * Test servers in separate OS processes (`qdb-router node --port P`), so faults are real: `signal(1, 'SIGKILL')`
 * crashes node 1, `SIGSTOP` / `SIGCONT` hang and resume it, `restart(1)` starts it again on the same port.
 * Node ids are 1..n in port order. A port already in use rejects `start` naming the port, leaving nothing running.
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
    const started: NodeState[] = [];
    try {
      for (const [i, port] of ports.entries()) started.push(await spawnNode(i + 1, port, options));
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
   * `server.clearFault()` in the node's process. By signal (SIGUSR2), not Admin message: under `never-read` or
   * `close-on-accept` the node could not read one.
   */
  clearFault(nodeId: number): void {
    this.signal(nodeId, 'SIGUSR2');
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
      const next = await spawnNode(nodeId, s.port, this.options);
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

function spawnNode(nodeId: number, port: number, options: ProcessClusterOptions): Promise<NodeState> {
  const args = [cliEntry(), 'node', '--port', String(port), '--node-id', String(nodeId)];
  const { auth } = options;
  if (auth?.ttlMs !== undefined) args.push('--auth-ttl-ms', String(auth.ttlMs));
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: auth ? { ...process.env, QDB_ROUTER_AUTH_TOKEN: auth.token } : process.env,
  });
  const state: NodeState = {
    nodeId,
    port,
    child,
    running: true,
    exited: new Promise((resolve) =>
      child.once('exit', (code) => {
        state.running = false;
        resolve(code);
      }),
    ),
  };
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('READY')) resolve(state);
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
