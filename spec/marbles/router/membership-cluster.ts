// Test support for the membership specs (not a spec): scripted servers keyed by ADDRESS (a server keeps its
// identity when the router gives it a new NodeId), reached through memoryConnector — the real Connection over a
// MemoryStream pair — and a router over them in virtual time whose `hosts` is a Subject.
import { Subject, VirtualTimeScheduler } from 'rxjs';
import type { RouterConfig } from '../../../lib/config.js';
import type { RouterError } from '../../../lib/errors.js';
import { createRouter } from '../../../lib/router/router.js';
import type { RouterEvent } from '../../../lib/router/router-event.js';
import { type MemoryReply, memoryConnector } from '../../../lib/testing/memory-connector.js';
import type { PoolConnection } from '../../../lib/transport/pool-connection.js';
import type { NodeAddress, NodeId } from '../../../lib/types.js';
import { adminCodec } from '../../../lib/wire/admin-codec.js';
import { type Message, MessageType } from '../../../lib/wire/message.js';
import { drive, seeded } from './script-cluster.js';

/** One scripted server; fields may change while a test runs. */
export interface ServerScript {
  /** Data reply delay. @defaultValue 1 */
  latencyMs: number;
  /** Pong delay. @defaultValue latencyMs */
  pingMs?: number;
  /** Refuses connections (a killed server). */
  down?: boolean;
  /** Answers to a bincode ListNodes in a Data message (discovery), raw bytes. */
  listNodes?: () => Uint8Array;
}

/** A frame the router handed to a connection: when, to which router node, of which type. */
export interface Sent {
  /** Order among every record and `mark()` of the farm. */
  readonly seq: number;
  readonly at: number;
  readonly nodeId: NodeId;
  readonly label: string;
  readonly type: MessageType;
  readonly payload: string;
}

const text = new TextDecoder();
const listNodesBytes = adminCodec.encodeRequest({ kind: 'ListNodes' });
const isListNodes = (m: Message) =>
  m.payload.length === listNodesBytes.length && m.payload.every((b, i) => b === listNodesBytes[i]);

/** Servers by label ('10.0.0.1:7000'); `sent` records every frame the router handed to a connection. */
export function serverFarm(scheduler: VirtualTimeScheduler) {
  const servers = new Map<string, ServerScript>();
  const labelOf = new Map<NodeId, string>();
  const executions = new Map<string, number>();
  const sent: Sent[] = [];
  let seq = 0;
  const script = (id: NodeId) => servers.get(labelOf.get(id)!) ?? { latencyMs: 1, down: true };
  const pending = new Map<NodeId, Message[]>();
  const memory = memoryConnector({
    scheduler,
    latencyMs: (id) => {
      const s = script(id);
      const last = pending.get(id)?.shift();
      return last?.type === MessageType.Ping ? (s.pingMs ?? s.latencyMs) : s.latencyMs;
    },
    refuse: (id) => script(id).down === true,
    respond: (request, id): MemoryReply => {
      const s = script(id);
      if (s.down) return undefined;
      (pending.get(id) ?? pending.set(id, []).get(id)!).push(request);
      if (request.type === MessageType.Ping) return { type: MessageType.Pong, payload: new Uint8Array(0) };
      if (isListNodes(request))
        return {
          type: MessageType.Data,
          payload: s.listNodes?.() ?? adminCodec.encodeResponse({ kind: 'Error', message: 'no list' }),
        };
      const key = text.decode(request.payload);
      executions.set(key, (executions.get(key) ?? 0) + 1);
      return { type: request.type, payload: request.payload };
    },
  });
  const connect = async (address: NodeAddress, signal: AbortSignal): Promise<PoolConnection> => {
    labelOf.set(address.id, address.label);
    const conn = await memory.connect(address, signal);
    const record = (type: MessageType, payload: Uint8Array) =>
      sent.push({
        seq: ++seq,
        at: scheduler.now(),
        nodeId: address.id,
        label: address.label,
        type,
        payload: text.decode(payload),
      });
    const send = conn.send.bind(conn);
    conn.send = (type, payload, deadline, done) => {
      record(type, payload);
      return send(type, payload, deadline, done);
    };
    const submit = conn.submit.bind(conn);
    conn.submit = (type, payload, deadline, sink) => {
      record(type, payload);
      return submit(type, payload, deadline, sink);
    };
    return conn;
  };
  return {
    servers,
    sent,
    connect,
    opened: memory.opened,
    /** A point in the order of `sent` (e.g. when a removal was applied). */
    mark: () => ++seq,
    /** How often any server executed a Data request with this payload. */
    executions: (payload: string) => executions.get(payload) ?? 0,
    /** Kills a server: refuses connects and drops its open connections. */
    kill(label: string) {
      const s = servers.get(label);
      if (s) s.down = true;
      for (const conn of memory.opened) if (labelOf.get(conn.nodeId) === label && conn.isOpen) conn.drop();
    },
  };
}

/** How one request ended. */
export type Outcome = { start: number; at: number; value?: string; error?: RouterError };

/** A router whose `hosts` is a Subject, over a server farm, in virtual time. */
export function membershipSetup(labels: string[], config: Partial<RouterConfig> = {}) {
  const scheduler = new VirtualTimeScheduler();
  const farm = serverFarm(scheduler);
  for (const label of labels) farm.servers.set(label, { latencyMs: 1 });
  const hosts = new Subject<readonly string[]>();
  const router = createRouter({
    hosts,
    scheduler,
    random: seeded(7),
    connect: farm.connect,
    ...config,
  });
  const events: RouterEvent[] = [];
  router.events$.subscribe((e) => events.push(e));
  const send = (payload: string, options?: Parameters<typeof router.request$>[1]) => {
    const outcome: Outcome = { start: scheduler.now(), at: -1 };
    router.request$(payload, options).subscribe({
      next: (m) => {
        outcome.value = text.decode(m.payload);
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
    await drive(scheduler, scheduler.now() + 20_000);
    await closed;
  };
  const idOf = (label: string) => [...router.addresses].reverse().find((a) => a.label === label)?.id;
  return { scheduler, farm, hosts, router, events, send, close, idOf };
}

/** Events of one type. */
export function ofType<T extends RouterEvent['type']>(events: RouterEvent[], type: T) {
  return events.filter((e): e is Extract<RouterEvent, { type: T }> => e.type === type);
}
