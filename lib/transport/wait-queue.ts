import type { SchedulerLike, Subscription } from 'rxjs';
import type { RouterError } from '../errors.js';

interface Waiter<T> {
  readonly take: (value: T) => void;
  readonly fail: (err: RouterError) => void;
  readonly weight: number;
  timer: Subscription | undefined;
}

/**
 * A FIFO of callers waiting for a resource, each with an absolute deadline in scheduler time and a weight (the
 * bytes it will send). `onChange` runs when the queue becomes empty or gains a waiter (the pool republishes its
 * stats then).
 *
 * ```
 * add(deadline 30)  ──────────────────────── 30: fail(timeoutError())
 * add(deadline 30)  ──── 10: serve(x) ─► take(x)
 * ```
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

  /** The weight of the oldest waiter (0 when none). */
  get headWeight(): number {
    return this.waiters[0]?.weight ?? 0;
  }

  /**
   * Queues a waiter that fails with `timeoutError()` at `deadline` (scheduler ms; at once, asynchronously, when
   * it has passed). Returns a cancel function.
   */
  add(
    take: (value: T) => void,
    fail: (err: RouterError) => void,
    deadline: number,
    timeoutError: () => RouterError,
    weight = 0,
  ): () => void {
    const waiter: Waiter<T> = { take, fail, weight, timer: undefined };
    waiter.timer = this.scheduler.schedule(
      () => {
        if (this.remove(waiter)) fail(timeoutError());
      },
      Math.max(0, deadline - this.scheduler.now()),
    );
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
