import { BehaviorSubject, Observable, Subject, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { RouterConfig } from '../../../lib/config.js';
import type { RouterError } from '../../../lib/errors.js';
import { ClusterView } from '../../../lib/router/cluster-view.js';
import { HealthFeedback } from '../../../lib/router/health-feedback.js';
import { Hedging } from '../../../lib/router/hedging.js';
import { Lifecycle } from '../../../lib/router/lifecycle.js';
import { NodeErrors } from '../../../lib/router/node-errors.js';
import { Nodes } from '../../../lib/router/nodes.js';
import { Picker } from '../../../lib/router/picker.js';
import { RouterRequest } from '../../../lib/router/request.js';
import type { RequestParts } from '../../../lib/router/request-parts.js';
import type { RouterEvent } from '../../../lib/router/router-event.js';
import { validateConfig } from '../../../lib/router/validate-config.js';
import { nodeHealth } from '../../../lib/streams/node-health.js';
import { NodeMap } from '../../../lib/streams/node-map.js';
import { memoryConnector } from '../../../lib/testing/memory-connector.js';
import type { ClusterHealth, NodeAddress, NodeId } from '../../../lib/types.js';
import { errorPayload } from '../../../lib/wire/error-payload.js';
import { type Message, MessageType } from '../../../lib/wire/message.js';
import { drive, seeded } from './script-cluster.js';

interface Node {
  latencyMs: number;
  failing?: boolean;
  silent?: boolean;
}

/** The parts of a router, real ones, with the cluster's health set by hand (no heartbeats). */
function setup(scripts: Node[], config: Partial<RouterConfig> = {}) {
  const scheduler = new VirtualTimeScheduler();
  const memory = memoryConnector({
    scheduler,
    latencyMs: (id) => scripts[id - 1]!.latencyMs,
    respond: (request, id) => {
      const s = scripts[id - 1]!;
      if (s.silent) return undefined;
      if (s.failing) {
        const payload = errorPayload.encode({ code: 'BUSY', message: 'again', retryable: true });
        return { type: MessageType.Error, payload };
      }
      return { type: request.type, payload: request.payload };
    },
  });
  const hosts = scripts.map((_, i) => `10.0.0.${i + 1}:7000`);
  const { config: resolved, addresses } = validateConfig({
    hosts,
    scheduler,
    random: seeded(7),
    balancer: 'round-robin',
    pool: { minConnections: 0 },
    connect: (a: NodeAddress, signal: AbortSignal) => memory.connect(a, signal),
    ...config,
  });
  const events = new Subject<RouterEvent>();
  const seen: RouterEvent[] = [];
  events.subscribe((e) => seen.push(e));
  const nodes = new Nodes(addresses, resolved, () => {});
  const cluster = new ClusterView(nodes);
  const health = (eligible: NodeId[]): ClusterHealth => {
    const all = addresses.map((a) => ({
      ...nodeHealth.initial(a.id, a.label, 0),
      status: eligible.includes(a.id) ? ('up' as const) : ('down' as const),
    }));
    return {
      at: scheduler.now(),
      nodes: NodeMap.of(all),
      eligible,
      panic: eligible.length === 0,
      changed: [],
    };
  };
  const health$ = new BehaviorSubject(health(addresses.map((a) => a.id)));
  health$.subscribe((h) => cluster.update(h));
  const life = new Lifecycle();
  const feedback = new HealthFeedback(
    resolved.health,
    () => -1,
    () => undefined,
    () => scheduler.now(),
  );
  const parts: RequestParts = {
    config: resolved,
    nodes,
    cluster,
    health$,
    changes$: health$,
    picker: new Picker(resolved, cluster),
    feedback,
    life,
    events,
    budget: undefined,
    hedging: new Hedging(resolved.hedge, scheduler, cluster),
    ids: { last: 0 },
    nodeErrors: new NodeErrors(nodes, () => cluster.latest),
  };
  /** Starts one request; its state machine is `request`, its outcome lands in `outcome`. */
  const start = (
    payload: string,
    options: { timeoutMs?: number; idempotent?: boolean; hedge?: unknown } = {},
  ) => {
    const handle: { request?: RouterRequest; value?: string; error?: RouterError; at?: number } = {};
    const opts = { type: MessageType.Data, timeoutMs: 5000, idempotent: true, hedge: undefined, ...options };
    const sub = new Observable<Message>((s) => {
      handle.request = new RouterRequest(parts, s, new TextEncoder().encode(payload), opts as never);
      handle.request.start();
      return handle.request;
    }).subscribe({
      next: (m) => (handle.value = new TextDecoder().decode(m.payload)),
      error: (e: RouterError) => ((handle.error = e), (handle.at = scheduler.now())),
      complete: () => (handle.at = scheduler.now()),
    });
    return { handle, sub };
  };
  const setEligible = (ids: NodeId[]) => health$.next(health(ids));
  return { scheduler, parts, life, seen, start, setEligible, memory };
}

const types = (seen: RouterEvent[]) => seen.map((e) => e.type);

describe('RouterRequest: the request state machine', () => {
  it('new → sending → done: a reply at the first attempt, no operators, no timer of its own', async () => {
    const t = setup([{ latencyMs: 5 }]);
    const warm = t.start('warm');
    await drive(t.scheduler, 20); // the connection is open now
    expect(warm.handle.value).toBe('warm');
    const before = t.scheduler.actions.length;
    const { handle } = t.start('a');
    expect(handle.request!.state).toBe('sending');
    // what is scheduled now is the node's reply in the in-memory server, not a timer of the request
    expect(t.scheduler.actions.length - before).toBeLessThanOrEqual(1);
    await drive(t.scheduler, 40);
    expect(handle.request!.state).toBe('done');
    expect(handle).toMatchObject({ value: 'a', at: 25 });
    expect(types(t.seen).slice(-3)).toEqual(['requestStarted', 'attemptStarted', 'requestSucceeded']);
  });

  it('sending → backoff → sending → done: a failing node, retried on another after the policy backoff', async () => {
    const t = setup([{ latencyMs: 5, failing: true }, { latencyMs: 5 }]);
    const { handle } = t.start('a');
    await drive(t.scheduler, 10);
    expect(handle.request!.state).toBe('backoff');
    expect(t.seen.find((e) => e.type === 'retryScheduled')).toMatchObject({
      nodeId: 1,
      delayMs: 100,
      attempt: 1,
    });
    await drive(t.scheduler, 106);
    expect(handle.request!.state).toBe('sending');
    await drive(t.scheduler, 200);
    expect(handle).toMatchObject({ value: 'a', at: 110 });
  });

  it('new → waiting → sending: no eligible node, then one; waiting → done at the deadline', async () => {
    const t = setup([{ latencyMs: 5 }]);
    t.setEligible([]);
    const a = t.start('a', { timeoutMs: 1000 });
    expect(a.handle.request!.state).toBe('waiting');
    await drive(t.scheduler, 50);
    t.setEligible([1]);
    expect(a.handle.request!.state).toBe('sending');
    await drive(t.scheduler, 100);
    expect(a.handle).toMatchObject({ value: 'a', at: 55 });
    t.setEligible([]);
    const b = t.start('b', { timeoutMs: 300 });
    await drive(t.scheduler, 1000);
    expect(b.handle.request!.state).toBe('done');
    expect(b.handle.error?.code).toBe('ERR_NO_ELIGIBLE_NODE');
    expect(b.handle.at).toBe(100 + 300);
  });

  it('sending → (hedge due, shared timer) → two copies out → the first reply wins; the loser stays on its node', async () => {
    const t = setup([{ latencyMs: 200 }, { latencyMs: 5 }], { hedge: { delayMs: 20, maxExtraLoad: 1 } });
    const { handle } = t.start('a');
    await drive(t.scheduler, 21);
    expect(types(t.seen)).toContain('hedgeSent');
    await drive(t.scheduler, 100);
    expect(handle).toMatchObject({ value: 'a', at: 25 });
    expect(t.seen.find((e) => e.type === 'hedgeWon')).toMatchObject({ nodeId: 2, attempt: 2 });
    expect(handle.request!.state).toBe('done');
  });

  it('an error sends no copy by itself: a hedged request whose only copy fails goes to backoff', async () => {
    const t = setup([{ latencyMs: 5, failing: true }, { latencyMs: 5 }], {
      hedge: { delayMs: 50, maxExtraLoad: 1 },
    });
    const { handle } = t.start('a');
    await drive(t.scheduler, 10);
    expect(handle.request!.state).toBe('backoff');
    expect(types(t.seen)).not.toContain('hedgeSent');
  });

  it('backoff → done when close() begins: ERR_ROUTER_CLOSED at once', async () => {
    const t = setup([{ latencyMs: 5, failing: true }, { latencyMs: 5 }]);
    const { handle } = t.start('a');
    await drive(t.scheduler, 10);
    expect(handle.request!.state).toBe('backoff');
    void t.life.close(t.scheduler, 1000, { stopHealth() {}, closeNodes: async () => {}, complete() {} });
    expect(handle.request!.state).toBe('done');
    expect(handle.error?.code).toBe('ERR_ROUTER_CLOSED');
  });

  it('unsubscribing while sending cancels the attempt on its pool and counts the request out', async () => {
    const t = setup([{ latencyMs: 5, silent: true }]);
    const { handle, sub } = t.start('a');
    await drive(t.scheduler, 10);
    expect(handle.request!.state).toBe('sending');
    sub.unsubscribe();
    expect(handle.request!.state).toBe('done');
    const closed = t.life.close(t.scheduler, 60_000, {
      stopHealth() {},
      closeNodes: async () => {},
      complete() {},
    });
    let drained = false;
    void closed.then(() => (drained = true));
    await drive(t.scheduler, 20);
    expect(drained).toBe(true); // nothing left in flight: close() did not wait for its 60 s bound
  });
});
