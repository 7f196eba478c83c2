import fc from 'fast-check';
import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { configDefaults } from '../../../lib/config.js';
import { ErrorCode, RouterError } from '../../../lib/errors.js';
import { advanceTo } from '../../../lib/testing/advance-to.js';
import { type CredentialsGrant, CredentialsStore } from '../../../lib/transport/credentials-store.js';
import type { Credentials } from '../../../lib/transport/handshake-types.js';

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A store over a counting provider; the wall clock is the virtual one plus 1e12 (so epoch values look real). */
function setup(
  make: (call: number, now: number) => Credentials | Promise<Credentials> = () => ({ token: 't' }),
) {
  const scheduler = new VirtualTimeScheduler();
  const wall = () => 1e12 + scheduler.now();
  const calls: number[] = [];
  const refreshed: CredentialsGrant[] = [];
  const store = new CredentialsStore({
    provider: () => {
      calls.push(scheduler.now());
      return make(calls.length, wall());
    },
    scheduler,
    wallNow: wall,
    timing: configDefaults.credentials,
    onRefreshed: (g) => refreshed.push(g),
  });
  const step = async (t: number) => {
    for (let now = scheduler.now(); now <= t; now++) {
      await settle();
      advanceTo(scheduler, now);
    }
    await settle();
  };
  return { scheduler, wall, store, calls, refreshed, step };
}

const auth = new RouterError(ErrorCode.AuthFailed, 'no');

describe('CredentialsStore', () => {
  it('100 asks at once (credentials expiring in the same millisecond) make one provider call', async () => {
    const { store, calls, step, wall } = setup((n) => ({ token: `t${n}`, expiresAt: wall() + 4000 }));
    const first = await store.get();
    expect(first.credentials?.token).toBe('t1');
    expect(first.expiresAt).toBe(4000);
    expect(first.refreshAt).toBe(3000); // a quarter of the lifetime ahead (under refreshAheadMs)
    await step(3000);
    const grants = await Promise.all(Array.from({ length: 100 }, (_, i) => store.get(i + 1)));
    expect(calls).toEqual([0, 3000]);
    expect(new Set(grants.map((g) => g.credentials?.token))).toEqual(new Set(['t2']));
    expect(grants[0]!.generation).toBe(2);
  });

  it('serves the cached credentials until refreshAt, then the latest', async () => {
    const { scheduler, store, calls, wall } = setup((n) => ({ token: `t${n}`, expiresAt: wall() + 400_000 }));
    await store.get();
    expect(store.current!.refreshAt).toBe(400_000 - 60_000); // refreshAheadMs caps the lead
    advanceTo(scheduler, 339_999);
    expect((await store.get()).credentials?.token).toBe('t1');
    advanceTo(scheduler, 340_000);
    expect((await store.get()).credentials?.token).toBe('t2');
    expect(calls).toEqual([0, 340_000]);
  });

  it('property: provider calls are at least minIntervalMs apart, whatever the asks and lifetimes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 300 }),
        async (gaps, lifetime) => {
          const { store, calls, step, wall } = setup(() => ({ token: 'x', expiresAt: wall() + lifetime }));
          let t = 0;
          const asks: Promise<unknown>[] = [];
          for (const gap of gaps) {
            t += gap;
            await step(t);
            asks.push(store.get());
          }
          await step(t + 200);
          await Promise.all(asks);
          for (let i = 1; i < calls.length; i++)
            expect(calls[i]! - calls[i - 1]!).toBeGreaterThanOrEqual(100);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a provider that fails keeps the credentials still valid; with none valid, a retryable ERR_CREDENTIALS', async () => {
    const { store, step, wall } = setup((n) => {
      if (n > 1) throw new Error('vault down');
      return { token: 't1', expiresAt: wall() + 1000 };
    });
    await store.get();
    await step(800);
    expect((await store.get()).credentials?.token).toBe('t1');
    await step(1000);
    const err = await store.get().catch((e: RouterError) => e);
    expect((err as RouterError).code).toBe(ErrorCode.CredentialsUnavailable);
    expect((err as RouterError).retryable).toBe(true);
    expect((err as RouterError).message).toContain('vault down');
  });

  it('credentials already past their expiresAt are refused with ERR_CREDENTIALS naming the time, not used in a rotation loop', async () => {
    const { store, wall } = setup(() => ({ token: 't', expiresAt: wall() - 1000 }));
    const err = await store.get().catch((e: RouterError) => e);
    expect((err as RouterError).code).toBe(ErrorCode.CredentialsUnavailable);
    expect((err as RouterError).message).toMatch(/expired already \(expiresAt \d{4}-\d\d-\d\dT/);
  });

  it('a node that rejected: refused without asking until the backoff passed; the same credentials stay refused, new ones unblock', async () => {
    let token = 'old';
    const { store, calls, step } = setup(() => ({ token }));
    const g1 = await store.get(1);
    store.rejected(1, g1, auth);
    expect(store.refusal(1, g1)).toBe(auth);
    expect(store.refusal(2, g1)).toBeUndefined();
    await step(999);
    expect(store.refusal(1, await store.get(1))).toBe(auth);
    expect(calls).toEqual([0]);
    await step(1000);
    const g2 = await store.get(1); // backoff over: asked again, the same token: still refused
    expect(calls).toEqual([0, 1000]);
    expect(store.refusal(1, g2)).toBe(auth);
    await step(2999);
    await store.get(1);
    expect(calls).toEqual([0, 1000]); // the next step waits twice as long
    token = 'new';
    await step(3000);
    const g3 = await store.get(1);
    expect(calls).toEqual([0, 1000, 3000]);
    expect(g3.generation).toBe(2);
    expect(store.refusal(1, g3)).toBeUndefined();
  });

  it('without a provider, each backoff step is one new try per node', async () => {
    const scheduler = new VirtualTimeScheduler();
    const store = new CredentialsStore({
      provider: undefined,
      scheduler,
      timing: configDefaults.credentials,
    });
    const g0 = await store.get(1);
    store.rejected(1, g0, auth);
    expect(store.refusal(1, await store.get(1))).toBe(auth);
    advanceTo(scheduler, 1000);
    const g1 = await store.get(1);
    expect(store.refusal(1, g1)).toBeUndefined();
    store.rejected(1, g1, auth);
    advanceTo(scheduler, 2999);
    expect(store.refusal(1, await store.get(1))).toBe(auth); // 2000 ms this time
    advanceTo(scheduler, 3000);
    expect(store.refusal(1, await store.get(1))).toBeUndefined();
  });

  it('stop() ends a wait for the minimum interval at once', async () => {
    const { store, wall } = setup(() => ({ token: 't', expiresAt: wall() }));
    await store.get();
    const pending = store.get(); // due, but the last call was under 100 ms ago: waits
    store.stop();
    const err = await pending.catch((e: RouterError) => e);
    expect((err as RouterError).code).toBe(ErrorCode.PoolClosed);
  });
});
