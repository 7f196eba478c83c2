import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ErrorCode, RouterError } from '../../../lib/errors.js';
import { advanceTo } from '../../../lib/testing/advance-to.js';
import { abortWith } from '../../../lib/transport/abort-with.js';

const timeout = () => new RouterError(ErrorCode.ConnectTimeout, 'late', { retryable: true });

describe('abortWith', () => {
  it('aborts at the end time: pending races reject with the timeout error; later races reject at once', async () => {
    const scheduler = new VirtualTimeScheduler();
    const a = abortWith(new AbortController().signal, scheduler, 100, timeout);
    const pending = a.race(new Promise(() => {})).catch((e: RouterError) => e.code);
    advanceTo(scheduler, 99);
    expect(a.signal.aborted).toBe(false);
    advanceTo(scheduler, 100);
    expect(a.signal.aborted).toBe(true);
    expect(await pending).toBe(ErrorCode.ConnectTimeout);
    expect(await a.race(Promise.resolve(1)).catch((e: RouterError) => e.code)).toBe(ErrorCode.ConnectTimeout);
  });

  it('the outer signal aborts it with ERR_POOL_CLOSED; dispose() leaves no timer', async () => {
    const scheduler = new VirtualTimeScheduler();
    const outer = new AbortController();
    const a = abortWith(outer.signal, scheduler, 100, timeout);
    const pending = a.race(new Promise(() => {})).catch((e: RouterError) => e.code);
    outer.abort();
    expect(await pending).toBe(ErrorCode.PoolClosed);
    a.dispose();
    expect(scheduler.actions.filter((x) => !x.closed)).toHaveLength(0);
    const b = abortWith(new AbortController().signal, scheduler, 100, timeout);
    expect(await b.race(Promise.resolve(7))).toBe(7);
    b.dispose();
    expect(scheduler.actions.filter((x) => !x.closed)).toHaveLength(0);
  });
});
