import { type Observable, Subject } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { ErrorCode, RouterError } from '../../../lib/errors.js';
import { clusterHealth } from '../../../lib/streams/cluster-health.js';
import { eligible } from '../../../lib/streams/eligible.js';
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
  return clusterHealth({ nodeCount: 3, ping, scheduler, policy, signals$, hardFailure });
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
        '0 unknown:',
        '5 unknown:1',
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
      const health$ = clusterHealth({ nodeCount: 1, ping: () => pong, scheduler, policy });
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
      // nodes start unknown (none eligible) until their first pongs at 5 ms
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
});
