import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { WantedNode } from '../../../lib/router/member.js';
import { Membership } from '../../../lib/router/membership.js';
import type { RouterEvent } from '../../../lib/router/router-event.js';
import type { HealthMember } from '../../../lib/streams/health-member.js';
import type { NodeAddress } from '../../../lib/types.js';

const address = (label: string, id = 0): NodeAddress => {
  const [host, port] = label.split(':');
  const a = { id, host: host!, port: Number(port), protocol: 'tcp' as const, label, alternatives: [] };
  return { ...a, alternatives: [a] };
};
const want = (label: string, serverId?: number): WantedNode => ({
  address: address(label),
  ...(serverId === undefined ? {} : { serverId }),
});

function setup(decides: 'hosts' | 'discovery' = 'hosts') {
  const scheduler = new VirtualTimeScheduler();
  const events: RouterEvent[] = [];
  const drains = new Map<number, () => void>();
  const added: string[] = [];
  const membership = new Membership({
    initial: [address('a:1', 1), address('b:1', 2)],
    decides,
    scheduler,
    random: () => 0.5,
    joinSpreadMs: 100,
    emit: (e) => events.push(e()),
    pools: {
      add: (a, warmAfterMs) => added.push(`${a.id}:${a.label}:${warmAfterMs}`),
      drain: (id) => ({ inFlight: 3, done: new Promise<void>((resolve) => drains.set(id, resolve)) }),
    },
  });
  const members: (readonly HealthMember[])[] = [];
  membership.members$.subscribe((m) => members.push(m));
  return { membership, events, drains, added, members };
}

describe('Membership', () => {
  it('diffs: keeps ids, adds with new ids (connects spread), drains then removes; ids never reused', async () => {
    const t = setup();
    t.membership.update('hosts', [want('b:1'), want('c:1')]);
    expect(t.added).toEqual(['3:c:1:50']);
    expect(t.members.at(-1)).toEqual([
      { id: 1, address: 'a:1', draining: true },
      { id: 2, address: 'b:1' },
      { id: 3, address: 'c:1', probeAfterMs: 50 },
    ]);
    expect(t.membership.inService(1)).toBe(false);
    t.membership.update('hosts', [want('a:1'), want('b:1'), want('c:1')]);
    expect(t.added.at(-1)).toBe('4:a:1:50'); // a comes back as a new node while 1 drains
    t.drains.get(1)!();
    await Promise.resolve();
    await Promise.resolve();
    expect(t.membership.addresses.map((a) => a.id)).toEqual([2, 3, 4]);
    expect(t.events.map((e) => `${e.type}:${'nodeId' in e ? e.nodeId : ''}`)).toEqual([
      'nodeAdded:3',
      'nodeDraining:1',
      'nodeAdded:4',
      'nodeRemoved:1',
    ]);
    expect(t.events[1]).toMatchObject({ inFlight: 3, reason: 'hosts', address: 'a:1' });
  });

  it('an empty update never empties the set; a stale version is ignored; after close nothing changes', () => {
    const t = setup('discovery');
    t.membership.update('discovery', []);
    expect(t.events.map((e) => e.type)).toEqual(['membershipWarning']);
    t.membership.update('discovery', [want('a:1', 1), want('b:1', 2)], 5);
    t.membership.update('discovery', [want('a:1', 1)], 4); // older than 5: stale
    t.membership.update('discovery', [want('a:1', 1)], 5); // same version: stale
    expect(t.membership.inService(2)).toBe(true);
    t.membership.close();
    t.membership.update('discovery', [want('a:1', 1)], 6);
    expect(t.membership.inService(2)).toBe(true);
    expect(t.members).toHaveLength(1);
  });

  it('with discovery deciding, hosts only adds what it newly lists (no flip-flop)', () => {
    const t = setup('discovery');
    t.membership.update('discovery', [want('a:1', 1)], 1); // b removed by discovery
    t.membership.update('hosts', [want('a:1'), want('b:1')]); // the same seeds again: b is not re-added
    expect(t.membership.addresses.filter((a) => a.label === 'b:1').map((a) => a.id)).toEqual([2]);
    t.membership.update('hosts', [want('a:1'), want('b:1'), want('d:1')]); // d is new in hosts: added
    expect(t.added).toEqual(['3:d:1:50']);
  });

  it('a server id learnt once stays: the same id at another address is another node', () => {
    const t = setup('discovery');
    t.membership.update('discovery', [want('a:1', 10), want('b:1', 20)], 1);
    expect(t.membership.get(1)?.serverId).toBe(10);
    t.membership.update('discovery', [want('a:2', 10), want('b:1', 20)], 2);
    expect(t.membership.inService(1)).toBe(false);
    expect(t.added).toEqual(['3:a:2:50']);
    t.membership.update('discovery', [want('a:2', 10), want('b:1', 20), want('e:1', 20)], 3);
    expect(
      t.events.filter((e) => e.type === 'membershipWarning').map((e) => (e as { message: string }).message),
    ).toEqual(['listed twice, ignored: e:1']);
  });
});
