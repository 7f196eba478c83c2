import { interval } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { Lifecycle } from '../../../lib/router/lifecycle.js';
import { runMarbles } from '../../support/marbles.js';

describe('Lifecycle', () => {
  it('close drains requests in flight (bounded by drainMs), then runs the steps in order, once', async () => {
    const life = new Lifecycle();
    const steps: string[] = [];
    life.enter();
    const scheduler = { now: () => 0, schedule: () => ({ unsubscribe() {} }) } as never;
    let closingSeen = false;
    life.closing$.subscribe(() => (closingSeen = true));
    const closed = life.close(scheduler, 1000, {
      stopHealth: () => steps.push('stopHealth'),
      closeNodes: async () => {
        steps.push('closeNodes');
      },
      complete: () => steps.push('complete'),
    });
    expect(life.closing).toBe(true);
    expect(closingSeen).toBe(true);
    expect(steps).toEqual([]);
    life.leave();
    await closed;
    expect(steps).toEqual(['stopHealth', 'closeNodes', 'complete']);
    expect(life.close(scheduler, 1000, { stopHealth() {}, closeNodes: async () => {}, complete() {} })).toBe(
      closed,
    );
    expect(life.closedError().code).toBe('ERR_ROUTER_CLOSED');
  });

  it('guard: the source until shutdown; after it, complete at once and nothing restarts', () => {
    runMarbles((scheduler, { expectObservable }) => {
      const life = new Lifecycle();
      const ticks = life.guard(interval(10, scheduler));
      expectObservable(ticks, '^ 35ms !').toBe('10ms a 9ms b 9ms c', { a: 0, b: 1, c: 2 });
    });
    let completed = false;
    runMarbles((scheduler) => {
      const life = new Lifecycle();
      const ticks = life.guard(interval(10, scheduler));
      void life.close(scheduler, 0, { stopHealth() {}, closeNodes: async () => {}, complete() {} });
      scheduler.schedule(() => ticks.subscribe({ complete: () => (completed = true) }), 5);
    });
    // closing with nothing in flight stops at once (synchronously up to the first await)
    expect(completed).toBe(true);
  });
});
