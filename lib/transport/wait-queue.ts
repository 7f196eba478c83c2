import type { SchedulerLike, Subscription } from 'rxjs';
import type { RouterError } from '../errors.js';

interface Waiter<T> {
  readonly take: (value: T) => void;
  readonly fail: (err: RouterError) => void;
  timer: Subscription | undefined;
}

/**
 * A FIFO of callers waiting for a resource, each with a deadline in scheduler time. `onChange` runs when the
 * queue becomes empty or gains a waiter (the pool republishes its stats then).
 */
export class WaitQueue<T> {
  private readonly waiters: Waiter<T>[] = [];

  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly onChange: () => void,
  ) {}

  get length(): number {
    return this.waiters.length;
  }

  /** Queues a waiter that fails with `timeoutError()` after `timeoutMs`. Returns a cancel function. */
  add(
    take: (value: T) => void,
    fail: (err: RouterError) => void,
    timeoutMs: number,
    timeoutError: () => RouterError,
  ): () => void {
    const waiter: Waiter<T> = { take, fail, timer: undefined };
    waiter.timer = this.scheduler.schedule(() => {
      this.remove(waiter);
      fail(timeoutError());
    }, timeoutMs);
    this.waiters.push(waiter);
    this.onChange();
    return () => {
      if (this.remove(waiter)) waiter.timer?.unsubscribe();
    };
  }

  /** Hands `value` to the oldest waiter (there must be one). */
  serve(value: T): void {
    const waiter = this.waiters.shift()!;
    waiter.timer?.unsubscribe();
    if (this.waiters.length === 0) this.onChange();
    waiter.take(value);
  }

  /** Fails every waiter with `err`. */
  failAll(err: RouterError): void {
    const all = this.waiters.splice(0);
    if (all.length > 0) this.onChange();
    for (const waiter of all) {
      waiter.timer?.unsubscribe();
      waiter.fail(err);
    }
  }

  private remove(waiter: Waiter<T>): boolean {
    const i = this.waiters.indexOf(waiter);
    if (i < 0) return false;
    this.waiters.splice(i, 1);
    if (this.waiters.length === 0) this.onChange();
    return true;
  }
}
