// Test support for the router's virtual-time specs (not a spec): nodes whose behaviour a test scripts, reached
// through the REAL Connection (codec, sequence matching, deadlines in scheduler time) over an in-memory byte
// stream, and a driver that advances a VirtualTimeScheduler while letting promises (connects) settle.
import { type SchedulerLike, VirtualTimeScheduler } from 'rxjs';
import type { RouterConfig } from '../../../lib/config.js';
import { ErrorCode, RouterError } from '../../../lib/errors.js';
import { createRouter } from '../../../lib/router/router.js';
import type { RouterEvent } from '../../../lib/router/router-event.js';
import { advanceTo } from '../../../lib/testing/advance-to.js';
import type { ByteStream } from '../../../lib/transport/byte-stream.js';
import { Connection } from '../../../lib/transport/connection.js';
import type { PoolConnection } from '../../../lib/transport/pool-connection.js';
import type { NodeAddress, NodeId } from '../../../lib/types.js';
import { encodeFrame } from '../../../lib/wire/encode.js';
import { errorPayload } from '../../../lib/wire/error-payload.js';
import { FrameDecoder } from '../../../lib/wire/frame-decoder.js';
import { type Message, MessageType } from '../../../lib/wire/message.js';

/** How one scripted node answers. Every field may change while the test runs. */
export interface NodeScript {
  /** Reply delay for Data (and Pong unless `pingMs`). @defaultValue 1 */
  latencyMs: number;
  /** Pong delay. @defaultValue latencyMs */
  pingMs?: number;
  /** Answers Ping, never Data (a gray node). */
  gray?: boolean;
  /** Answers nothing at all (a hung node). */
  silent?: boolean;
  /** Refuses connections. */
  refuse?: boolean;
  /** Replies to Data with a retryable Error message. */
  failing?: boolean;
  /** Resets the connection when a Data payload equals this text (a poison request). */
  poison?: string;
}

// biome-ignore lint/suspicious/noExplicitAny: one listener type for every event of the stream
type Listener = (arg?: any) => void;

class MemoryByteStream implements ByteStream {
  private readonly listeners = new Map<string, Listener[]>();
  peer: ((bytes: Uint8Array) => void) | undefined;
  closed = false;
  constructor(private readonly scheduler: SchedulerLike) {}
  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  emit(event: string, arg?: unknown): void {
    for (const l of this.listeners.get(event) ?? []) l(arg);
  }
  write(data: Uint8Array): boolean {
    if (this.closed) return false;
    const copy = data.slice();
    this.scheduler.schedule(() => this.peer?.(copy), 0);
    return true;
  }
  end(): void {
    this.destroy();
  }
  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.scheduler.schedule(() => this.emit('close'), 0);
  }
  cork(): void {}
  uncork(): void {}
}

/** A cluster of scripted nodes: `connect` is the router's `connect` hook. */
export function scriptCluster(scheduler: SchedulerLike, scripts: NodeScript[]) {
  const executions = scripts.map(() => new Map<string, number>());
  const streams: MemoryByteStream[][] = scripts.map(() => []);
  const text = new TextDecoder();
  const connect = (address: NodeAddress, _signal: AbortSignal): Promise<PoolConnection> => {
    const id: NodeId = address.id;
    const script = scripts[id - 1]!;
    if (script.refuse || script.silent) {
      return Promise.reject(
        new RouterError(ErrorCode.ConnectRefused, `node ${id} refused`, { retryable: true }),
      );
    }
    const client = new MemoryByteStream(scheduler);
    streams[id - 1]!.push(client);
    const decoder = new FrameDecoder();
    const reply = (m: Message, type: MessageType, payload: Uint8Array, delay: number) =>
      scheduler.schedule(() => {
        if (client.closed) return;
        client.emit(
          'data',
          encodeFrame({ sender: id, recipient: 0, sequence: m.sequence, timestamp: 0, type, payload }),
        );
      }, delay);
    client.peer = (bytes) => {
      for (const m of decoder.push(bytes)) {
        const s = scripts[id - 1]!;
        if (s.silent) continue;
        if (m.type === MessageType.Ping) {
          reply(m, MessageType.Pong, new Uint8Array(0), s.pingMs ?? s.latencyMs);
          continue;
        }
        const key = text.decode(m.payload);
        executions[id - 1]!.set(key, (executions[id - 1]!.get(key) ?? 0) + 1);
        if (s.gray) continue;
        if (s.poison !== undefined && key === s.poison) {
          client.destroy();
          return;
        }
        if (s.failing) {
          const body = errorPayload.encode({ code: 'BUSY', message: 'try again', retryable: true });
          reply(m, MessageType.Error, body, s.latencyMs);
        } else reply(m, m.type, m.payload, s.latencyMs);
      }
    };
    const conn = new Connection(client, id, { scheduler, maxInFlight: 1024, drainTimeoutMs: 1000 });
    return Promise.resolve(conn);
  };
  return {
    connect,
    /** How often node `id` saw a Data request with this payload. */
    executions: (id: NodeId, payload: string) => executions[id - 1]!.get(payload) ?? 0,
    /** Data requests node `id` saw. */
    dataCount: (id: NodeId) => [...executions[id - 1]!.values()].reduce((a, b) => a + b, 0),
  };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Runs virtual time up to `until` (ms), letting promises settle between due actions. */
export async function drive(scheduler: VirtualTimeScheduler, until: number): Promise<void> {
  await settle();
  for (;;) {
    const next = scheduler.actions[0];
    if (!next || next.delay > until) break;
    advanceTo(scheduler, next.delay);
    await settle();
  }
  advanceTo(scheduler, until);
  await settle();
}

const hosts = (n: number) => Array.from({ length: n }, (_, i) => `10.0.0.${i + 1}:7000`);
const text = (m: Message) => new TextDecoder().decode(m.payload);

/** How one request ended: at (virtual ms), its reply text or its error. */
export type Outcome = { at: number; value?: string; error?: RouterError };

/** A router over scripted nodes in virtual time, recording events; `send` records outcomes. */
export function setup(scripts: NodeScript[], config: Partial<RouterConfig> = {}) {
  const scheduler = new VirtualTimeScheduler();
  const cluster = scriptCluster(scheduler, scripts);
  const router = createRouter({
    hosts: hosts(scripts.length),
    scheduler,
    random: seeded(42),
    connect: cluster.connect,
    ...config,
  });
  const events: RouterEvent[] = [];
  router.events$.subscribe((e) => events.push(e));
  /** Sends one request now; its outcome lands in the returned record. */
  const send = (payload: string, options?: Parameters<typeof router.request$>[1]) => {
    const outcome: Outcome = { at: -1 };
    router.request$(payload, options).subscribe({
      next: (m) => {
        outcome.value = text(m);
      },
      complete: () => {
        outcome.at = scheduler.now();
      },
      error: (e: RouterError) => {
        outcome.error = e;
        outcome.at = scheduler.now();
      },
    });
    return outcome;
  };
  const close = async () => {
    const closed = router.close();
    await drive(scheduler, scheduler.now() + 10_000);
    await closed;
  };
  return { scheduler, cluster, router, events, send, close };
}

/** A deterministic uniform [0, 1) generator (an LCG), so balancing differs per pick but not per run. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
