import { describe, expect, it } from 'vitest';
import { createRouter } from '../../../lib/router/router.js';
import type { RouterEvent } from '../../../lib/router/router-event.js';
import { StallClock } from '../../support/stall-clock.js';
import { drive, scriptCluster, seeded } from './script-cluster.js';

// The fair-chance rule in virtual time that models a stall of the client's event loop (StallClock): timeouts
// whose time the client itself ate are not held against the node; the same timeouts without a stall are.
describe('a client stall is not evidence against a node (virtual time)', () => {
  it.each([
    ['without a stall: the gray node is ejected', 0, true],
    ['a 1500 ms stall over the attempts: nothing counted, no ejection', 1500, false],
  ])('%s', async (_name, stallMs, ejected) => {
    const clock = new StallClock();
    const cluster = scriptCluster(clock, [{ latencyMs: 2, gray: true }, { latencyMs: 2 }, { latencyMs: 2 }]);
    const router = createRouter({
      hosts: ['10.0.0.1:7000', '10.0.0.2:7000', '10.0.0.3:7000'],
      scheduler: clock,
      random: seeded(7),
      connect: cluster.connect,
      balancer: 'round-robin',
      health: { passiveFall: 2, maxEjectionPercent: 100 },
    });
    const events: RouterEvent[] = [];
    router.events$.subscribe((e) => events.push(e));
    await drive(clock.virtual, 10);
    const results: string[] = [];
    for (let i = 0; i < 6; i++)
      router.request$(`r${i}`, { timeoutMs: 2000 }).subscribe({
        next: () => results.push('ok'),
        error: (e) => results.push(e.code),
      });
    await drive(clock.virtual, 11); // written
    if (stallMs > 0) clock.stall(stallMs);
    await drive(clock.virtual, 3000);
    expect(results).toEqual(Array(6).fill('ok')); // node 1's two are retried elsewhere either way
    expect(events.some((e) => e.type === 'nodeEjected' && e.nodeId === 1)).toBe(ejected);
    expect(events.some((e) => e.type === 'clientStall')).toBe(stallMs > 0);
    const closed = router.close();
    await drive(clock.virtual, 20_000);
    await closed;
  });
});
