import { Observable, Subscriber, Subscription, type Unsubscribable } from 'rxjs';
import { map } from 'rxjs/operators';
import { describe, expect, it } from 'vitest';
import { attachTeardown } from '../../../lib/router/attach-teardown.js';

/** A cold Observable whose subscribe function attaches a counting teardown, and hands its subscriber out. */
function counted() {
  const state = { torn: 0, returned: [] as unknown[], subscribers: [] as Subscriber<number>[] };
  const teardown: Unsubscribable = { unsubscribe: () => void state.torn++ };
  const source = new Observable<number>((subscriber) => {
    state.subscribers.push(subscriber);
    const r = attachTeardown(subscriber, teardown);
    state.returned.push(r);
    return r;
  });
  return { state, source };
}

describe('attachTeardown', () => {
  it('RxJS own subscriber: taken in its first-finalizer slot (nothing returned), run exactly once on unsubscribe', () => {
    const { state, source } = counted();
    const sub = source.subscribe({ next() {} });
    expect(state.returned).toEqual([undefined]);
    expect(state.torn).toBe(0);
    sub.unsubscribe();
    sub.unsubscribe();
    expect(state.torn).toBe(1);
  });

  it('runs once when the source completes or errors, and once when an operator chain is unsubscribed', () => {
    const a = counted();
    a.source.subscribe({ next() {} });
    a.state.subscribers[0]!.next(1);
    a.state.subscribers[0]!.complete();
    expect(a.state.torn).toBe(1);

    const b = counted();
    b.source.subscribe({ error() {} });
    b.state.subscribers[0]!.error(new Error('x'));
    expect(b.state.torn).toBe(1);

    const c = counted();
    const seen: number[] = [];
    const sub = c.source.pipe(map((x) => x * 2)).subscribe((x) => seen.push(x));
    c.state.subscribers[0]!.next(2);
    sub.unsubscribe();
    expect(seen).toEqual([4]);
    expect(c.state.torn).toBe(1);
  });

  it('a closed subscriber, or one whose slot is taken, gets the teardown back (RxJS runs it the ordinary way)', () => {
    const teardown: Unsubscribable = { unsubscribe() {} };
    const closed = new Subscriber<number>();
    closed.unsubscribe();
    expect(attachTeardown(closed, teardown)).toBe(teardown);

    const taken = new Subscriber<number>();
    (taken as unknown as { initialTeardown: () => void }).initialTeardown = () => {};
    expect(attachTeardown(taken, teardown)).toBe(teardown);
  });

  it('a subscriber that is not this RxJS own (another copy of RxJS, a look-alike) gets the teardown back', () => {
    const teardown: Unsubscribable = { unsubscribe() {} };
    const lookAlike = Object.assign(Object.create(null), {
      closed: false,
      next() {},
      error() {},
      complete() {},
      unsubscribe() {},
      add() {},
    }) as Subscriber<number>;
    expect(lookAlike instanceof Subscription).toBe(false);
    expect(attachTeardown(lookAlike, teardown)).toBe(teardown);
  });
});
