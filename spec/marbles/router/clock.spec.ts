import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../lib/errors.js';
import { drive, setup } from './script-cluster.js';

describe('the router over any clock (virtual time)', () => {
  it('a VirtualTimeScheduler advanced by 3.1 ms between requests: every request succeeds (no ERR_WIRE_INTEGER_RANGE)', async () => {
    const t = setup([{ latencyMs: 1.3 }, { latencyMs: 2.7 }]);
    await drive(t.scheduler, 10.1);
    const outcomes = [];
    for (let i = 0; i < 20; i++) {
      outcomes.push(t.send(`r${i}`, { timeoutMs: 1000 }));
      await drive(t.scheduler, t.scheduler.now() + 3.1);
    }
    await drive(t.scheduler, 200);
    expect(outcomes.map((o) => o.error?.code)).toEqual(outcomes.map(() => undefined));
    expect(outcomes.map((o) => o.value)).toEqual(outcomes.map((_, i) => `r${i}`));
    await t.close();
  });

  it('an injected wall clock stepping back 60 s on every read: the deadline keeps scheduler time', async () => {
    let wall = 1_764_000_000_000.5;
    const t = setup([{ latencyMs: 2, gray: true }], {
      wallClock: () => (wall -= 60_000),
      health: { intervalMs: 100, passiveFall: 1, ejectionMs: 1000, maxEjectionPercent: 100 },
    });
    await drive(t.scheduler, 10);
    const o = t.send('x', { timeoutMs: 1000, idempotent: false });
    await drive(t.scheduler, 3000);
    expect(o.error?.code).toBe(ErrorCode.RequestTimeout);
    expect(o.at).toBe(1010);
    await t.close();
  });
});
