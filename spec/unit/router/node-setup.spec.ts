import { type Subscription, VirtualTimeScheduler } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { RouterConfig } from '../../../lib/config.js';
import { ErrorCode, type RouterError } from '../../../lib/errors.js';
import { createRouter } from '../../../lib/router/router.js';
import type { RouterEvent } from '../../../lib/router/router-event.js';
import { advanceTo } from '../../../lib/testing/advance-to.js';
import type { AuthOptions } from '../../../lib/testing/auth-gate.js';
import { memoryConnector } from '../../../lib/testing/memory-connector.js';
import type { Credentials } from '../../../lib/transport/handshake-types.js';
import type { ClusterHealth, NodeId } from '../../../lib/types.js';
import { MessageType } from '../../../lib/wire/message.js';

// The router's connection setup in virtual time: the REAL Connection, Pool and codec over memoryConnector, whose
// nodes play the TestServer's auth handshake (AuthGate). The wall clock is the virtual clock.

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
const subs: Subscription[] = [];
afterEach(() => {
  for (const s of subs.splice(0)) s.unsubscribe();
});

/** Runs virtual time up to `until`, letting promises settle between due actions. */
async function drive(scheduler: VirtualTimeScheduler, until: number): Promise<void> {
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

interface Setup {
  readonly nodes: number;
  readonly auth: AuthOptions | ((id: NodeId) => AuthOptions | undefined);
  readonly credentials: (call: number, now: number) => Credentials;
  readonly latencyMs?: number;
  readonly config?: Partial<RouterConfig>;
}

function setup(o: Setup) {
  const scheduler = new VirtualTimeScheduler();
  const memory = memoryConnector({
    scheduler,
    latencyMs: () => o.latencyMs ?? 1,
    auth: o.auth,
    record: true,
  });
  const calls: number[] = [];
  const dials: Array<{ nodeId: NodeId; at: number }> = [];
  const router = createRouter({
    hosts: Array.from({ length: o.nodes }, (_, i) => `10.0.0.${i + 1}:7000`),
    scheduler,
    wallClock: () => scheduler.now(),
    random: () => 0.5,
    connect: (address, signal) => {
      dials.push({ nodeId: address.id, at: scheduler.now() });
      return memory.connect(address, signal);
    },
    credentials: () => {
      calls.push(scheduler.now());
      return o.credentials(calls.length, scheduler.now());
    },
    ...o.config,
  });
  const events: RouterEvent[] = [];
  subs.push(router.events$.subscribe((e) => events.push(e)));
  let health: ClusterHealth | undefined;
  subs.push(router.health$.subscribe((h) => (health = h)));
  const outcomes: Array<{ at: number; sentAt: number; code?: string }> = [];
  const send = (payload: string) => {
    const o = { at: -1, sentAt: scheduler.now() } as { at: number; sentAt: number; code?: string };
    outcomes.push(o);
    router.request$(payload).subscribe({
      complete: () => (o.at = scheduler.now()),
      error: (e: RouterError) => {
        o.at = scheduler.now();
        o.code = e.code;
      },
    });
  };
  const close = async () => {
    const closed = router.close();
    await drive(scheduler, scheduler.now() + 20_000);
    await closed;
  };
  return { scheduler, memory, router, calls, dials, events, health: () => health, outcomes, send, close };
}

describe('credentials and connection rotation (virtual time)', () => {
  it('100 connections whose credentials expire in the same millisecond cause one provider call', async () => {
    const t = setup({
      nodes: 25,
      auth: { token: 't' },
      credentials: (_call, now) => ({ token: 't', expiresAt: now + 60_000 }),
      config: {
        pool: { minConnections: 4, maxConnections: 4 },
        health: { intervalMs: 10_000, maxIntervalMs: 10_000 },
      },
    });
    await drive(t.scheduler, 1000);
    expect(t.dials).toHaveLength(100);
    expect(t.calls).toEqual([0]);
    const open = () => t.memory.opened.filter((c) => c.isOpen).length;
    expect(open()).toBe(100);
    // refreshed ahead of expiry (60 s lifetime: a quarter ahead, at 45 s), every connection replaced by then
    await drive(t.scheduler, 50_000);
    expect(t.calls).toEqual([0, 45_000]);
    expect(t.dials).toHaveLength(200);
    expect(t.dials.slice(100).every((d) => d.at >= 45_000 && d.at < 46_000)).toBe(true);
    expect(open()).toBe(100);
    expect(t.memory.opened.slice(0, 100).every((c) => !c.isOpen)).toBe(true);
    expect(t.memory.authStats).toMatchObject({ accepted: 200, rejected: 0, expired: 0, unauthenticated: 0 });
    const refreshed = t.events.filter((e) => e.type === 'credentialsRefreshed');
    expect(refreshed.map((e) => (e as { generation: number }).generation)).toEqual([1, 1]);
    expect(JSON.stringify(t.events)).not.toContain('"token"');
    await t.close();
  });

  it('200 requests in flight across 4 connections, the session expiring mid-flight: 0 fail', async () => {
    const t = setup({
      nodes: 1,
      // each connection's session ends 1 s after its handshake (the Ack says when)
      auth: { token: 't', ttlMs: 1000 },
      credentials: () => ({ token: 't' }),
      latencyMs: 300,
      config: {
        pool: { minConnections: 4, maxConnections: 4, maxInFlightPerConnection: 64 },
        health: { intervalMs: 10_000, maxIntervalMs: 10_000 },
      },
    });
    await drive(t.scheduler, 10);
    // 200 sent at 600: still in flight when the sessions of their connections end (~1000)
    await drive(t.scheduler, 600);
    for (let i = 0; i < 200; i++) t.send(`burst ${i}`);
    // and a steady trickle over three session lifetimes
    for (let at = 610; at < 3600; at += 10) {
      await drive(t.scheduler, at);
      t.send(`trickle ${at}`);
    }
    await drive(t.scheduler, 5000);
    expect(t.outcomes.filter((o) => o.code !== undefined)).toEqual([]);
    expect(t.outcomes.every((o) => o.at >= 0)).toBe(true);
    expect(t.memory.authStats.expired).toBe(0); // no request reached a node on an ended session
    expect(t.memory.authStats.accepted).toBeGreaterThanOrEqual(12); // 4 connections, replaced each second
    await t.close();
  });

  it('a provider failing at refresh time: the old credentials serve until they expire, no reconnect loop', async () => {
    const t = setup({
      nodes: 1,
      auth: { token: 't' },
      credentials: (call, now) => {
        if (call > 1) throw new Error('vault down');
        return { token: 't', expiresAt: now + 4000 };
      },
      config: { health: { intervalMs: 10_000, maxIntervalMs: 10_000 } },
    });
    await drive(t.scheduler, 10);
    for (let at = 20; at < 3900; at += 20) {
      await drive(t.scheduler, at);
      t.send(`q${at}`);
    }
    await drive(t.scheduler, 3950);
    expect(t.outcomes.filter((o) => o.code !== undefined)).toEqual([]);
    // refresh due at 3000: a replacement (the old, still valid credentials), then a new try halfway to the
    // expiry each time (3500, 3750, …): a handful of dials, not one per provider call
    expect(t.dials.map((d) => Math.floor(d.at))).toEqual([0, 3000, 3500, 3750, 3875]);
    expect(t.calls.length).toBeLessThanOrEqual(5);
    await t.close();
  });
});

describe('rejected credentials (virtual time)', () => {
  it('every node rejecting: health$ says auth, one connect per node per backoff step, requests fail at once', async () => {
    const t = setup({
      nodes: 3,
      auth: { token: 'right' },
      credentials: (call) => ({ token: `wrong ${call}` }), // new (and wrong) credentials at every ask
      config: { health: { intervalMs: 100, maxIntervalMs: 200 } },
    });
    await drive(t.scheduler, 50);
    const nodes = [...t.health()!.nodes.values()];
    expect(nodes.map((n) => [n.status, n.reason])).toEqual([
      ['unusable', 'auth'],
      ['unusable', 'auth'],
      ['unusable', 'auth'],
    ]);
    expect(t.health()!.eligible).toEqual([]);
    t.send('x');
    await drive(t.scheduler, 60);
    expect(t.outcomes[0]).toMatchObject({ code: ErrorCode.AuthFailed, at: t.outcomes[0]!.sentAt });
    await drive(t.scheduler, 16_000);
    // the provider is asked after 1, 2, 4, 8 s (doubling); each answer allows one dial per node
    const steps = [0, 1000, 3000, 7000, 15_000, 31_000];
    for (const id of [1, 2, 3]) {
      const at = t.dials.filter((d) => d.nodeId === id).map((d) => d.at);
      for (let s = 0; s + 1 < steps.length; s++)
        expect(at.filter((a) => a >= steps[s]! && a < steps[s + 1]!).length).toBeLessThanOrEqual(1);
      expect(at.length).toBeLessThanOrEqual(5);
    }
    // heartbeats every 100-200 ms would have dialled ~100 times per node without the block
    expect(t.dials.length).toBeLessThanOrEqual(15);
    expect(t.events.filter((e) => e.type === 'authFailed').length).toBe(t.dials.length);
    expect(t.events.some((e) => e.type === 'nodeStatusChanged' && e.status === 'down')).toBe(false);
    await t.close();
  });

  it('one node rejecting: its traffic moves to the others, and no retry budget is spent on it', async () => {
    const t = setup({
      nodes: 3,
      auth: (id) => (id === 2 ? { verify: () => false } : { token: 't' }),
      credentials: () => ({ token: 't' }),
      // no retry budget at all: a paid retry would be refused
      config: {
        retry: { budget: { percentCanRetry: 0, minRetriesPerSecond: 0, ttlMs: 1000 } },
        pool: { minConnections: 0 },
        balancer: 'round-robin',
      },
    });
    await drive(t.scheduler, 5);
    for (let i = 0; i < 30; i++) t.send(`q${i}`);
    await drive(t.scheduler, 1000);
    for (let i = 30; i < 60; i++) t.send(`q${i}`);
    await drive(t.scheduler, 2000);
    expect(t.outcomes.filter((o) => o.code !== undefined)).toEqual([]);
    expect(t.health()!.nodes.get(2)).toMatchObject({ status: 'unusable', reason: 'auth' });
    expect(t.health()!.eligible).toEqual([1, 3]);
    const on2 = t.events.filter((e) => e.type === 'attemptStarted' && e.nodeId === 2);
    const firstRejection = t.events.find((e) => e.type === 'authFailed')!.at;
    // after the rejection no attempt goes to node 2
    expect(on2.every((e) => e.at <= firstRejection)).toBe(true);
    expect(t.events.filter((e) => e.type === 'retryRefused')).toEqual([]);
    const received = t.memory.opened.filter((c) => c.nodeId === 2).flatMap((c) => c.received);
    expect(received.filter((m) => m.type === MessageType.Data)).toEqual([]); // nothing sent to node 2
    await t.close();
  });
});
