import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../lib/errors.js';
import type { RouterEvent } from '../../../lib/router/router-event.js';
import { drive, type Outcome, setup } from './script-cluster.js';

type Refused = Extract<RouterEvent, { type: 'retryRefused' }>;

describe('a retry refused by the budget is visible to the caller and in events$', () => {
  it('with a reserve of 2 retries, the third request to fail on the gray node fails marked retryRefused: budget', async () => {
    // node 2 is gray: a Data request to it times out (maybe sent: a paid retry)
    const t = setup([{ latencyMs: 2 }, { latencyMs: 2, gray: true }, { latencyMs: 2 }], {
      balancer: 'round-robin',
      // no deposits count; a reserve of 1/s × 2 s = 2 retries
      retry: { budget: { percentCanRetry: 0, minRetriesPerSecond: 1, ttlMs: 2000 } },
    });
    await drive(t.scheduler, 10);
    const outcomes: Outcome[] = Array.from({ length: 9 }, (_, i) => t.send(`q${i}`, { timeoutMs: 3000 }));
    await drive(t.scheduler, 5000);
    const retried = t.events.filter((e) => e.type === 'retryScheduled');
    const refused = t.events.filter((e): e is Refused => e.type === 'retryRefused');
    expect(retried).toHaveLength(2); // the reserve
    expect(refused.length).toBeGreaterThanOrEqual(1);
    const failed = outcomes.filter((o) => o.error);
    expect(failed).toHaveLength(refused.length); // every failure is a refused retry, and says so
    for (const o of failed) {
      expect(o.error).toMatchObject({
        code: ErrorCode.RequestTimeout,
        retryable: true,
        retryRefused: 'budget',
      });
    }
    for (const e of refused) {
      expect(e).toMatchObject({ nodeId: 2, reason: 'budget', code: ErrorCode.RequestTimeout });
      // then the request fails, with the same requestId
      const end = t.events.find((f) => f.type === 'requestFailed' && f.requestId === e.requestId);
      expect(end).toMatchObject({ code: ErrorCode.RequestTimeout });
    }
    expect(outcomes.filter((o) => o.value).length).toBe(9 - refused.length);
    await t.close();
  });

  it('a retry refused for another reason (count, deadline, idempotency) carries no retryRefused', async () => {
    const t = setup([{ latencyMs: 2, gray: true }], { retry: { maxRetries: 1 } });
    await drive(t.scheduler, 10);
    const once = t.send('not idempotent', { timeoutMs: 1000, idempotent: false });
    const twice = t.send('count', { timeoutMs: 3000 });
    await drive(t.scheduler, 5000);
    for (const o of [once, twice]) {
      expect(o.error?.code).toBe(ErrorCode.RequestTimeout);
      expect(o.error?.retryRefused).toBeUndefined();
    }
    expect(t.events.filter((e) => e.type === 'retryRefused')).toEqual([]);
    await t.close();
  });
});
