import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../lib/errors.js';
import { drive, setup } from './script-cluster.js';

// The poison rule before health (docs/api.md, "Poison requests"): a request that resets connections on two nodes
// fails alone, and those resets cost no node its health.
describe('poison requests (virtual time)', () => {
  it('6 requests that reset every node they reach: each fails alone after two nodes; no node leaves the eligible set', async () => {
    const scripts = [1, 2, 3].map(() => ({ latencyMs: 2, poison: 'P' }));
    const t = setup(scripts, { health: { passiveFall: 2 } });
    await drive(t.scheduler, 10);
    const poison = [];
    const normal = [];
    for (let i = 0; i < 6; i++) {
      poison.push(t.send('P', { timeoutMs: 3000 }));
      normal.push(t.send(`ok${i}`, { timeoutMs: 3000 }));
      await drive(t.scheduler, t.scheduler.now() + 500);
    }
    await drive(t.scheduler, 10_000);
    expect(poison.map((o) => o.error?.code)).toEqual(poison.map(() => ErrorCode.ConnectionLost));
    expect(normal.map((o) => o.value)).toEqual(normal.map((_, i) => `ok${i}`));
    const failed = t.events.filter((e) => e.type === 'requestFailed');
    expect(failed).toHaveLength(6);
    for (const e of failed) expect(e).toMatchObject({ poison: true, attempts: 2 });
    expect(t.events.filter((e) => e.type === 'nodeEjected')).toEqual([]);
    expect(t.events.filter((e) => e.type === 'nodeStatusChanged' && e.status !== 'up')).toEqual([]);
    await t.close();
  });

  it('a node that really resets connections is still counted: once the requests on it were retried elsewhere', async () => {
    const t = setup([{ latencyMs: 2 }, { latencyMs: 2 }], {
      balancer: 'round-robin',
      health: { passiveFall: 2 },
    });
    await drive(t.scheduler, 10);
    const outcomes = [];
    for (let i = 0; i < 3; i++) {
      const o = t.send(`r${i}`, { timeoutMs: 3000 });
      outcomes.push(o);
      t.cluster.drop(1); // node 1 resets its connections under whatever it holds
      await drive(t.scheduler, t.scheduler.now() + 300);
    }
    await drive(t.scheduler, 5000);
    expect(outcomes.every((o) => o.value !== undefined)).toBe(true);
    expect(t.events.some((e) => e.type === 'nodeEjected' && e.nodeId === 1)).toBe(true);
    await t.close();
  });
});
