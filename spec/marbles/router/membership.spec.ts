import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../lib/errors.js';
import type { NodeId } from '../../../lib/types.js';
import { membershipSetup, ofType } from './membership-cluster.js';
import { drive } from './script-cluster.js';

const a = '10.0.0.1:7000';
const b = '10.0.0.2:7000';
const c = '10.0.0.3:7000';
const membershipEvents = ['nodeAdded', 'nodeDraining', 'nodeRemoved', 'membershipWarning'];

describe('membership through the router (hosts a Subject, real Connection and Pool, virtual time)', () => {
  it('adds, drains and removes: ids never reused, health$ and eligible$ follow in the same tick', async () => {
    const t = membershipSetup([a, b, c], { joinSpreadMs: 0 });
    const eligible: (readonly NodeId[])[] = [];
    t.router.eligible$.subscribe((e) => eligible.push(e));
    t.hosts.next([a, b]);
    await drive(t.scheduler, 50);
    expect(eligible.at(-1)).toEqual([1, 2]);
    t.hosts.next([a]);
    // same tick: b is draining and out of eligible$ before any scheduler action runs
    expect(eligible.at(-1)).toEqual([1]);
    expect(t.router.addresses.map((x) => x.label)).toEqual([a, b]);
    let snapshot: string[] = [];
    t.router.health$.subscribe(
      (h) => (snapshot = [...h.nodes.values()].map((n) => `${n.nodeId}:${n.status}`)),
    );
    expect(snapshot).toEqual(['1:up', '2:draining']);
    await drive(t.scheduler, 100);
    expect(snapshot).toEqual(['1:up']);
    expect(t.router.addresses.map((x) => x.id)).toEqual([1]);
    t.hosts.next([a, b]);
    expect(t.idOf(b)).toBe(3); // b comes back as a new node
    await drive(t.scheduler, 200);
    expect(eligible.at(-1)).toEqual([1, 3]);
    expect(
      t.events
        .filter((e) => membershipEvents.includes(e.type))
        .map((e) => `${e.type}:${'nodeId' in e ? e.nodeId : ''}`),
    ).toEqual(['nodeAdded:1', 'nodeAdded:2', 'nodeDraining:2', 'nodeRemoved:2', 'nodeAdded:3']);
    await t.close();
  });

  it('the same list re-emitted 100 times opens no connection and emits no membership event', async () => {
    const t = membershipSetup([a, b], { joinSpreadMs: 0 });
    t.hosts.next([a, b]);
    await drive(t.scheduler, 50);
    const opened = t.farm.opened.length;
    const before = t.events.filter((e) => membershipEvents.includes(e.type)).length;
    for (let i = 0; i < 100; i++) {
      t.hosts.next(i % 2 ? [a, b] : [b, a]);
      await drive(t.scheduler, 50 + i);
    }
    expect(t.farm.opened.length).toBe(opened);
    expect(t.events.filter((e) => membershipEvents.includes(e.type)).length).toBe(before);
    await t.close();
  });

  it('[], an errored source or an unparsable list leaves eligible$ unchanged and emits a warning', async () => {
    const t = membershipSetup([a, b], { joinSpreadMs: 0 });
    const eligible: (readonly NodeId[])[] = [];
    t.router.eligible$.subscribe((e) => eligible.push(e));
    t.hosts.next([a, b]);
    await drive(t.scheduler, 50);
    const settled = eligible.length;
    t.hosts.next([]);
    t.hosts.next(['not a host!'] as string[]);
    t.hosts.next([a, a]);
    t.hosts.error(new Error('resolver down'));
    await drive(t.scheduler, 500);
    expect(eligible.slice(settled)).toEqual([]);
    expect(eligible.at(-1)).toEqual([1, 2]);
    const warnings = ofType(t.events, 'membershipWarning').map((w) => w.message);
    expect(warnings).toHaveLength(4);
    expect(warnings[0]).toMatch(/empty node list was ignored/);
    expect(warnings[1]).toMatch(/hosts\[0\]/);
    expect(warnings[2]).toMatch(/duplicate/);
    expect(warnings[3]).toMatch(/resolver down/);
    expect(ofType(t.events, 'nodeDraining')).toEqual([]);
    await t.close();
  });

  it('unwritten requests of a removed node succeed elsewhere with the retry budget untouched', async () => {
    const t = membershipSetup([a, b], {
      joinSpreadMs: 0,
      balancer: 'round-robin',
      pool: { maxConnections: 1, maxInFlightPerConnection: 1, minConnections: 1 },
      // a budget that refuses every paid retry: only budget-free (not-sent) retries can happen
      retry: { budget: { percentCanRetry: 0, minRetriesPerSecond: 0 } },
    });
    t.hosts.next([a, b]);
    await drive(t.scheduler, 50);
    t.farm.servers.get(a)!.latencyMs = 100;
    const outcomes = Array.from({ length: 20 }, (_, i) => t.send(`r${i}`, { timeoutMs: 3000 }));
    await drive(t.scheduler, 60);
    t.hosts.next([b]);
    const draining = ofType(t.events, 'nodeDraining')[0]!;
    expect(draining).toMatchObject({ nodeId: 1, reason: 'hosts' });
    expect(draining.inFlight).toBeGreaterThan(1); // one written, the rest queued
    await drive(t.scheduler, 3000);
    expect(outcomes.every((o) => o.value !== undefined)).toBe(true);
    expect(ofType(t.events, 'requestFailed')).toEqual([]);
    const afterDrain = t.farm.sent.filter((s) => s.nodeId === 1 && s.at > draining.at && s.type === 2);
    expect(afterDrain).toEqual([]);
    for (let i = 0; i < 20; i++) expect(t.farm.executions(`r${i}`)).toBe(1);
    await t.close();
  });

  it('a re-added address gets a new NodeId and a fresh pool while the old one still drains', async () => {
    const t = membershipSetup([a, b], { joinSpreadMs: 0, balancer: 'round-robin' });
    t.hosts.next([a, b]);
    await drive(t.scheduler, 50);
    t.farm.servers.get(a)!.latencyMs = 400;
    const slow = [t.send('s1'), t.send('s2')];
    await drive(t.scheduler, 60);
    t.hosts.next([b]);
    t.hosts.next([a, b]);
    expect(t.router.addresses.map((x) => `${x.id}:${x.label}`)).toEqual([`1:${a}`, `2:${b}`, `3:${a}`]);
    await drive(t.scheduler, 100);
    expect(ofType(t.events, 'nodeRemoved')).toEqual([]); // node 1 still drains its written request
    const conns = t.farm.opened.filter((x) => x.nodeId === 3);
    expect(conns.length).toBeGreaterThan(0);
    expect(t.farm.opened.filter((x) => x.nodeId === 1).every((x) => !conns.includes(x))).toBe(true);
    await drive(t.scheduler, 1000);
    expect(ofType(t.events, 'nodeRemoved').map((e) => e.nodeId)).toEqual([1]);
    expect(slow.every((o) => o.value !== undefined)).toBe(true);
    await t.close();
  });

  it('a joining node gets no Data before its first pong, then at most its slow-start share', async () => {
    const t = membershipSetup([a, b, c], { joinSpreadMs: 0, slowStartMs: 10_000 });
    t.hosts.next([a, b]);
    await drive(t.scheduler, 50);
    t.farm.servers.get(c)!.pingMs = 300;
    t.hosts.next([a, b, c]);
    const addedAt = t.scheduler.now();
    const outcomes: ReturnType<typeof t.send>[] = [];
    for (let i = 0; i < 300; i++) {
      outcomes.push(t.send(`q${i}`));
      await drive(t.scheduler, addedAt + (i + 1) * 10);
    }
    const pong = t.events.find((e) => e.type === 'nodeStatusChanged' && e.nodeId === 3 && e.status === 'up')!;
    expect(pong.at).toBeGreaterThanOrEqual(addedAt + 300);
    const toC = t.farm.sent.filter((s) => s.nodeId === 3 && s.type === 2);
    console.log(
      t.events.filter((e) => 'nodeId' in e && e.nodeId === 3 && e.type !== 'heartbeatSucceeded').slice(0, 12),
      pong.at,
    );
    expect(toC.filter((s) => s.at < pong.at)).toEqual([]);
    // during the first 2.7 s after its pong its warmth is at most 0.1 + 0.27: far below a fair third
    const share = toC.length / t.farm.sent.filter((s) => s.type === 2 && s.at >= pong.at).length;
    expect(toC.length).toBeGreaterThan(0);
    expect(share).toBeLessThan(0.25);
    expect(outcomes.every((o) => o.value !== undefined || o.at < 0)).toBe(true);
    expect(outcomes.filter((o) => o.error?.code === ErrorCode.NoEligibleNode)).toEqual([]);
    await t.close();
  });
});
