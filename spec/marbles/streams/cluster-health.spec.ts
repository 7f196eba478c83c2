import { BehaviorSubject, type Observable, Subject } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { ErrorCode, RouterError } from '../../../lib/errors.js';
import { clusterHealth } from '../../../lib/streams/cluster-health.js';
import { eligible } from '../../../lib/streams/eligible.js';
import type { HealthMember } from '../../../lib/streams/health-member.js';
import type { HealthSignal } from '../../../lib/streams/health-signal.js';
import type { ClusterHealth } from '../../../lib/types.js';
import { runMarbles } from '../../support/marbles.js';

const policy = {
  intervalMs: 100,
  timeoutMs: 50,
  fall: 2,
  rise: 2,
  passiveFall: 3,
  maxIntervalMs: 100,
  ejectionMs: 100,
};
const members = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ id: i + 1, address: `10.0.0.${i + 1}:7000` }));
type Cold = (marbles: string, values?: Record<string, unknown>, error?: unknown) => Observable<unknown>;

/** Node 2's ping answers per probe index; nodes 1 and 3 always answer in 5 ms. */
function setup(
  scheduler: TestScheduler,
  cold: Cold,
  node2: (probe: number) => string,
  signals$?: Subject<HealthSignal>,
) {
  let probe = 0;
  const refused = new RouterError(ErrorCode.ConnectRefused, 'refused', { retryable: true });
  const ping = (id: number) => {
    if (id !== 2) return cold('5ms (p|)');
    const m = node2(probe++);
    return m === '#' ? cold('#', {}, refused) : cold(m);
  };
  // the router passes its error table's rule (HealthFeedback.hardProbeFailure): a refused connect is hard
  const hardFailure = (err: unknown) => (err as RouterError).code === ErrorCode.ConnectRefused;
  return clusterHealth({ members: members(3), ping, scheduler, policy, signals$, hardFailure });
}

const statusOf = (h: ClusterHealth, id = 2) => `${h.nodes.get(id)!.status}:${h.eligible.join('')}`;

function record(scheduler: TestScheduler, health$: Observable<ClusterHealth>, until: number) {
  const log: string[] = [];
  const sub = health$.subscribe((h) => log.push(`${h.at} ${statusOf(h)}`));
  scheduler.schedule(() => sub.unsubscribe(), until);
  return log;
}

describe('clusterHealth', () => {
  it('walks node 2 up → suspect → down → probation → up on probe outcomes', () => {
    const hung = '200ms (p|)';
    runMarbles((scheduler, { cold }) => {
      const answers = ['5ms (p|)', hung, hung, '5ms (p|)', '5ms (p|)', '5ms (p|)'];
      const health$ = setup(scheduler, cold, (i) => answers[i] ?? '5ms (p|)');
      const log = record(scheduler, health$, 560);
      scheduler.flush();
      expect(log.filter((l) => !l.includes('up:123') || l.startsWith('5 ') || l.startsWith('405'))).toEqual([
        '0 joining:',
        '5 joining:1',
        '5 up:12',
        '5 up:123',
        '150 suspect:123',
        '250 down:13',
        '305 probation:13',
        '405 up:123',
      ]);
    });
  });

  it('takes a node out at once on a hard failure (refused connection)', () => {
    runMarbles((scheduler, { cold }) => {
      const health$ = setup(scheduler, cold, (i) => (i === 1 ? '#' : '5ms (p|)'));
      const log = record(scheduler, health$, 150);
      scheduler.flush();
      expect(log.map((l) => l.split(' ')[1])).toContain('down:13');
      expect(log.find((l) => l.includes('down'))).toBe('100 down:13');
    });
  });

  it('counts passive request failures: suspect at once, ejected after passiveFall for ejectionMs, then probes', () => {
    runMarbles((scheduler, { cold, hot }) => {
      const signals$ = new Subject<HealthSignal>();
      const health$ = setup(scheduler, cold, () => '5ms (p|)', signals$);
      const log = record(scheduler, health$, 320);
      const fail: HealthSignal = { nodeId: 2, kind: 'request', ok: false, hard: false };
      hot('20ms a b c').subscribe(() => signals$.next(fail));
      scheduler.flush();
      const statuses = log.map((l) => l.split(' ').slice(0, 2).join(' '));
      expect(statuses).toContain('20 suspect:123');
      expect(statuses).toContain('22 down:13');
      // ejected until 122: the good probe at 105 changes nothing, the ones at 205 and 305 bring it back
      expect(statuses.filter((l) => l.startsWith('105'))).toEqual([]);
      expect(statuses).toContain('205 probation:13');
      expect(statuses).toContain('305 up:123');
    });
  });

  it('manual overrides beat probes until cleared', () => {
    runMarbles((scheduler, { cold, hot }) => {
      const signals$ = new Subject<HealthSignal>();
      const health$ = setup(scheduler, cold, () => '5ms (p|)', signals$);
      const log = record(scheduler, health$, 500);
      hot('50ms u 299ms h', {
        u: { nodeId: 2, kind: 'manual', healthy: false },
        h: { nodeId: 2, kind: 'manual', healthy: true },
      }).subscribe((s) => signals$.next(s as HealthSignal));
      scheduler.flush();
      const statuses = log.map((l) => l.split(' ').slice(0, 2).join(' '));
      expect(statuses).toContain('50 down:13');
      expect(
        statuses.filter((s) => Number(s.split(' ')[0]) > 50 && Number(s.split(' ')[0]) < 350),
      ).not.toContainEqual(expect.stringMatching(/up|probation/));
      expect(statuses).toContain('350 up:123');
    });
  });

  it('replays the latest snapshot to a late subscriber and emits nothing when nothing changed', () => {
    runMarbles((scheduler, { cold }) => {
      const health$ = setup(scheduler, cold, () => '5ms (p|)');
      const early = record(scheduler, health$, 1000);
      let late: string[] = [];
      scheduler.schedule(() => {
        late = record(scheduler, health$, 1000);
      }, 500);
      scheduler.flush();
      // first RTT samples change the snapshot once per node; steady 5 ms pongs change nothing after that
      expect(early).toHaveLength(1 + 3);
      expect(late).toEqual([early.at(-1)]);
    });
  });

  it('stops all heartbeats when the last subscriber leaves', () => {
    runMarbles((scheduler, { cold, expectSubscriptions }) => {
      const pong = cold('5ms (p|)');
      const health$ = clusterHealth({ members: members(1), ping: () => pong, scheduler, policy });
      const sub = health$.subscribe();
      scheduler.schedule(() => sub.unsubscribe(), 150);
      scheduler.flush();
      expectSubscriptions(pong.subscriptions).toBe(['^ 4ms !', '100ms ^ 4ms !']);
      expect(scheduler.actions).toHaveLength(0);
    });
  });

  it('eligible$ emits only when the set changes', () => {
    runMarbles((scheduler, { cold, expectObservable }) => {
      const answers = ['5ms (p|)', '#', '5ms (p|)', '5ms (p|)'];
      const health$ = setup(scheduler, cold, (i) => answers[i] ?? '5ms (p|)');
      // nodes start joining (none eligible) until their first pongs at 5 ms
      expectObservable(eligible(health$), '^ 400ms !').toBe('e 4ms (xya) 90ms b 204ms c', {
        e: [],
        x: [1],
        y: [1, 2],
        a: [1, 2, 3],
        b: [1, 3],
        c: [1, 2, 3],
      });
    });
  });

  it('follows membership in the same tick: joins, drains and removals; a removed node is gone and its signals change nothing', () => {
    runMarbles((scheduler, { cold }) => {
      const members$ = new BehaviorSubject<readonly HealthMember[]>(members(2));
      const signals$ = new Subject<HealthSignal>();
      const pings: [number, number][] = [];
      const health$ = clusterHealth({
        members: members$,
        ping: (id) => {
          pings.push([scheduler.now(), id]);
          return cold('5ms (p|)');
        },
        scheduler,
        policy,
        signals$,
      });
      const log: string[] = [];
      const sub = health$.subscribe((h) =>
        log.push(
          `${h.at} [${h.changed}] ${[...h.nodes.values()].map((n) => `${n.nodeId}${n.status[0]}`).join(' ')} e${h.eligible.join('')}`,
        ),
      );
      scheduler.schedule(() => members$.next([...members(2), { id: 5, address: '10.0.0.5:7000' }]), 50);
      scheduler.schedule(() => members$.next([...members(2), { id: 5, address: '10.0.0.5:7000' }]), 52);
      scheduler.schedule(
        () =>
          members$.next([
            { id: 1, address: 'a' },
            { id: 2, address: 'b', draining: true },
            { id: 5, address: 'c' },
          ]),
        80,
      );
      scheduler.schedule(
        () =>
          members$.next([
            { id: 1, address: 'a' },
            { id: 5, address: 'c' },
          ]),
        90,
      );
      scheduler.schedule(() => signals$.next({ nodeId: 2, kind: 'manual', healthy: false }), 95);
      scheduler.schedule(() => sub.unsubscribe(), 300);
      scheduler.flush();
      expect(log.slice(0, 3)).toEqual(['0 [1,2] 1j 2j e', '5 [1] 1u 2j e1', '5 [2] 1u 2u e12']);
      expect(log.slice(3)).toEqual([
        '50 [5] 1u 2u 5j e12',
        '55 [5] 1u 2u 5u e125',
        '80 [2] 1u 2d 5u e15',
        '90 [2] 1u 5u e15',
      ]);
      // node 2 is no longer probed once draining; node 5 is probed from when it joined
      expect(pings.filter(([at, id]) => id === 2 && at >= 80)).toEqual([]);
      expect(pings.filter(([, id]) => id === 5).map(([at]) => at)).toEqual([50, 150, 250]);
      expect(scheduler.actions).toHaveLength(0);
    });
  });

  it('panic is false before the first contact of any node, true once contacted nodes are all out', () => {
    runMarbles((scheduler, { cold }) => {
      const refused = new RouterError(ErrorCode.ConnectRefused, 'refused', { retryable: true });
      const health$ = clusterHealth({
        members: members(2),
        ping: () => cold('10ms #', {}, refused),
        scheduler,
        policy,
        hardFailure: (err) => err === refused,
      });
      const panics: string[] = [];
      const sub = health$.subscribe((h) => panics.push(`${h.at}:${h.panic}`));
      scheduler.schedule(() => sub.unsubscribe(), 50);
      scheduler.flush();
      expect(panics).toEqual(['0:false', '10:true', '10:true']);
    });
  });

  it('serializes as it reads: JSON gives plain nodes with their addresses and null before any sample', () => {
    runMarbles((scheduler, { cold }) => {
      const health$ = clusterHealth({ members: members(2), ping: () => cold('5ms (p|)'), scheduler, policy });
      const snapshots: ClusterHealth[] = [];
      const sub = health$.subscribe((h) => snapshots.push(h));
      scheduler.schedule(() => sub.unsubscribe(), 20);
      scheduler.flush();
      const first = JSON.parse(JSON.stringify(snapshots[0]));
      expect(first).toEqual({
        at: 0,
        nodes: [
          expect.objectContaining({ nodeId: 1, address: '10.0.0.1:7000', status: 'joining', rttMs: null }),
          expect.objectContaining({ nodeId: 2, address: '10.0.0.2:7000', status: 'joining', rttMs: null }),
        ],
        eligible: [],
        panic: false,
        changed: [1, 2],
      });
      expect(first.nodes[0]).toMatchObject({ ejectedUntil: null, lastCheckAt: null, recoveredAt: null });
      const last = snapshots.at(-1)!;
      expect(JSON.parse(JSON.stringify(last))).toEqual({ ...last, nodes: [...last.nodes.values()] });
    });
  });

  it('emits nothing for RTT jitter below 1 ms / 20 % on an idle healthy cluster', () => {
    runMarbles((scheduler, { cold }) => {
      const rtts = ['2ms (p|)', '3ms (p|)', '2ms (p|)', '3ms (p|)'];
      let i = 0;
      const health$ = clusterHealth({
        members: members(3),
        ping: () => cold(rtts[i++ % rtts.length]!),
        scheduler,
        policy,
      });
      let count = 0;
      const sub = health$.subscribe(() => count++);
      scheduler.schedule(() => sub.unsubscribe(), 5000);
      scheduler.flush();
      // the first snapshot and each node's first pong; 150 jittering pongs after that change nothing visible
      expect(count).toBe(1 + 3);
    });
  });
});
