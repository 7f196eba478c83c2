import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { RouterError } from '../../../lib/errors.js';
import { advanceTo } from '../../../lib/testing/advance-to.js';
import { WaitQueue } from '../../../lib/transport/wait-queue.js';

function setup() {
  const scheduler = new VirtualTimeScheduler();
  let changes = 0;
  const queue = new WaitQueue<string>(scheduler, () => changes++);
  const log: string[] = [];
  const add = (name: string, deadline: number, weight = 0) =>
    queue.add(
      (v) => log.push(`${name}:${v}@${scheduler.now()}`),
      (e) => log.push(`${name}:${e.code}@${scheduler.now()}`),
      deadline,
      () => new RouterError('ERR_T', 'timeout'),
      weight,
    );
  return { scheduler, queue, log, add, changes: () => changes };
}

describe('WaitQueue', () => {
  it('serves in FIFO order and fails each waiter at its absolute deadline', () => {
    const { scheduler, queue, log, add } = setup();
    add('a', 30);
    add('b', 10);
    add('c', 50);
    advanceTo(scheduler, 5);
    queue.serve('x');
    advanceTo(scheduler, 9);
    expect(log).toEqual(['a:x@5']);
    advanceTo(scheduler, 10);
    expect(log).toEqual(['a:x@5', 'b:ERR_T@10']);
    advanceTo(scheduler, 100);
    expect(log).toEqual(['a:x@5', 'b:ERR_T@10', 'c:ERR_T@50']);
    expect(queue.length).toBe(0);
    expect(scheduler.actions).toHaveLength(0);
  });

  it('a deadline already past fails on the next scheduler turn, not synchronously', () => {
    const { scheduler, log, add } = setup();
    advanceTo(scheduler, 20);
    add('late', 10);
    expect(log).toEqual([]);
    advanceTo(scheduler, 20);
    expect(log).toEqual(['late:ERR_T@20']);
  });

  it('cancel removes the waiter and its timer; failAll fails the rest once', () => {
    const { scheduler, queue, log, add, changes } = setup();
    const cancel = add('a', 10);
    add('b', 10, 7);
    add('c', 10, 9);
    expect(queue.headWeight).toBe(0);
    cancel();
    expect(queue.headWeight).toBe(7);
    queue.failAll(new RouterError('ERR_ALL', 'all'));
    advanceTo(scheduler, 100);
    expect(log).toEqual(['b:ERR_ALL@0', 'c:ERR_ALL@0']);
    expect(queue.headWeight).toBe(0);
    expect(changes()).toBeGreaterThanOrEqual(2);
    expect(scheduler.actions).toHaveLength(0);
  });
});
