// Test support for the router's virtual-time specs (not a spec): nodes whose behaviour a test scripts, reached
// through the transport's memoryConnector — the REAL Connection (codec, sequence matching, deadlines in scheduler
// time) over a MemoryStream pair with backpressure — and a driver that advances a VirtualTimeScheduler while
// letting promises (connects) settle.
import { type SchedulerLike, VirtualTimeScheduler } from 'rxjs';
import type { RouterConfig } from '../../../lib/config.js';
import type { RouterError } from '../../../lib/errors.js';
import { createRouter } from '../../../lib/router/router.js';
import type { RouterEvent } from '../../../lib/router/router-event.js';
import { advanceTo } from '../../../lib/testing/advance-to.js';
import { type MemoryReply, memoryConnector } from '../../../lib/testing/memory-connector.js';
import type { PoolConnection } from '../../../lib/transport/pool-connection.js';
import type { NodeAddress, NodeId } from '../../../lib/types.js';
import { errorPayload } from '../../../lib/wire/error-payload.js';
import { type Message, MessageType } from '../../../lib/wire/message.js';

/** How one scripted node answers. Every field may change while the test runs. */
export interface NodeScript {
  /** Reply delay for Data (and Pong unless `pingMs`). @defaultValue 1 */
  latencyMs: number;
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

/** A cluster of scripted nodes over `memoryConnector` (the real Connection over a MemoryStream pair). */
export function scriptCluster(scheduler: SchedulerLike, scripts: NodeScript[]) {
  const executions = scripts.map(() => new Map<string, number>());
  const text = new TextDecoder();
  const script = (id: NodeId) => scripts[id - 1]!;
  const memory = memoryConnector({
    scheduler,
    latencyMs: (id) => script(id).latencyMs,
    refuse: (id) => script(id).refuse === true || script(id).silent === true,
    respond: (request, id): MemoryReply => {
      const s = script(id);
      if (s.silent) return undefined;
      if (request.type === MessageType.Ping) return { type: MessageType.Pong, payload: new Uint8Array(0) };
      const key = text.decode(request.payload);
      executions[id - 1]!.set(key, (executions[id - 1]!.get(key) ?? 0) + 1);
      if (s.gray) return undefined;
      if (s.poison !== undefined && key === s.poison) {
        // the node resets its connection (every one it has open: one, in these specs)
        scheduler.schedule(() => {
          for (const conn of memory.opened) if (conn.nodeId === id && conn.isOpen) conn.drop();
        }, 0);
        return undefined;
      }
      if (s.failing) {
        const body = errorPayload.encode({ code: 'BUSY', message: 'try again', retryable: true });
        return { type: MessageType.Error, payload: body };
      }
      return { type: request.type, payload: request.payload };
    },
  });
  return {
    connect: (address: NodeAddress, signal: AbortSignal): Promise<PoolConnection> =>
      memory.connect(address, signal),
    /** How often node `id` saw a Data request with this payload. */
    executions: (id: NodeId, payload: string) => executions[id - 1]!.get(payload) ?? 0,
    /** Resets every open connection of node `id` (a restart, a network blip). */
    drop: (id: NodeId) => {
      for (const conn of memory.opened) if (conn.nodeId === id && conn.isOpen) conn.drop();
    },
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
