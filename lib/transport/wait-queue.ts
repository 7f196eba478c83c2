import type { SchedulerLike } from 'rxjs';
import type { RouterError } from '../errors.js';
import type { Cancellable } from './cancellable.js';
import { DeadlineTimer } from './deadline-timer.js';
import { NumberHeap } from './number-heap.js';

/** Who waits in a {@link WaitQueue}: told once, by `take` (served) or `fail` (deadline, failAll). */
export interface Waiter<T> {
  take(value: T): void;
  fail(err: RouterError): void;
}

const queued = 0;
/** Taken out of the queue by `failAll`, about to be told. */
const detached = 1;
const settled = 2;

/** The waiters whose deadline falls in one millisecond, `[key, key + 1)`, in arrival order. */
class Bucket<T> {
  first: Ticket<T> | undefined = undefined;
  last: Ticket<T> | undefined = undefined;
  constructor(readonly key: number) {}
}

/** One place in the queue: linked in arrival order (service) and in its deadline bucket (expiry). */
class Ticket<T> implements Cancellable {
  prev: Ticket<T> | undefined = undefined;
  next: Ticket<T> | undefined = undefined;
  earlier: Ticket<T> | undefined = undefined;
  later: Ticket<T> | undefined = undefined;
  state = queued;

  constructor(
    readonly queue: WaitQueue<T>,
    readonly waiter: Waiter<T>,
    readonly deadline: number,
    readonly weight: number,
    readonly bucket: Bucket<T>,
  ) {}

  cancel(): void {
    this.queue.cancel(this);
  }
}

/**
 * A FIFO of callers waiting for a resource, each with an absolute deadline in scheduler time and a weight (the
 * bytes it will send). Served in arrival order; expired by deadline with ONE scheduler timer for the whole queue
 * (armed for the earliest deadline). Add, cancel and serve are O(1): an intrusive doubly linked list in arrival
 * order, and one per millisecond of deadline (a `Map` from the millisecond to its bucket; a heap orders the
 * buckets, so only a waiter opening a new millisecond pays a heap push). Expiring, failing or cancelling any
 * number of waiters runs in a flat loop, never on the stack. `onChange` runs when the queue becomes empty or
 * gains a waiter (the pool republishes its stats then).
 *
 * ```
 * add(a, 30)  ──────────────────────────── 30: a.fail(timeoutError())
 * add(b, 50)  ──── 10: serve(x) ─► a.take(x)   (FIFO)            50: b.fail(timeoutError())
 * ```
 */
export class WaitQueue<T> {
  private head: Ticket<T> | undefined;
  private tail: Ticket<T> | undefined;
  private count = 0;
  private readonly buckets = new Map<number, Bucket<T>>();
  /** Keys of the buckets, smallest first (a key whose bucket emptied stays until it comes up: skipped then). */
  private readonly keys = new NumberHeap();
  private readonly timer: DeadlineTimer;

  constructor(
    scheduler: SchedulerLike,
    private readonly onChange: () => void,
    /** The error a waiter fails with at its deadline (told which waiter: a request and a lease word it apart). */
    private readonly timeoutError: (waiter: Waiter<T>) => RouterError,
  ) {
    this.timer = new DeadlineTimer(scheduler, (now) => this.expire(now));
  }

  get length(): number {
    return this.count;
  }

  /** The weight of the oldest waiter (0 when none). */
  get headWeight(): number {
    return this.head?.weight ?? 0;
  }

  /**
   * Queues `waiter`; it fails with `timeoutError()` at `deadline` (scheduler ms; at once, asynchronously, when it
   * has passed or is NaN). Returns its cancel handle.
   */
  add(waiter: Waiter<T>, deadline: number, weight = 0): Cancellable {
    const d = Number.isNaN(deadline) ? Number.NEGATIVE_INFINITY : deadline;
    const key = Math.floor(d);
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = new Bucket<T>(key);
      this.buckets.set(key, bucket);
      this.keys.push(key);
    }
    const ticket = new Ticket(this, waiter, d, weight, bucket);
    ticket.prev = this.tail;
    if (this.tail) this.tail.next = ticket;
    else this.head = ticket;
    this.tail = ticket;
    ticket.earlier = bucket.last;
    if (bucket.last) bucket.last.later = ticket;
    else bucket.first = ticket;
    bucket.last = ticket;
    this.count++;
    this.timer.arm(d);
    this.onChange();
    return ticket;
  }

  /** Hands `value` to the oldest waiter (there must be one). */
  serve(value: T): void {
    const ticket = this.head!;
    this.unlink(ticket);
    ticket.waiter.take(value);
  }

  /** Takes `ticket` out without telling it; false when it was already served, failed or cancelled. */
  cancel(ticket: Cancellable): boolean {
    const t = ticket as Ticket<T>;
    if (t.queue !== this) return false;
    if (t.state === detached) {
      t.state = settled;
      return true;
    }
    if (t.state !== queued) return false;
    this.unlink(t);
    return true;
  }

  /** Fails every waiter with `err` (waiters added meanwhile, by the callbacks, stay queued). */
  failAll(err: RouterError): void {
    let t: Ticket<T> | undefined = this.head;
    if (t === undefined) return;
    for (let u: Ticket<T> | undefined = t; u !== undefined; u = u.next) u.state = detached;
    this.head = this.tail = undefined;
    this.count = 0;
    this.buckets.clear();
    this.keys.clear();
    this.timer.clear();
    this.onChange();
    while (t !== undefined) {
      const next: Ticket<T> | undefined = t.next;
      t.prev = t.next = t.earlier = t.later = undefined;
      if (t.state === detached) {
        t.state = settled;
        t.waiter.fail(err);
      }
      t = next;
    }
  }

  /**
   * Fails the waiters whose deadline has come, earliest millisecond first, in a loop; returns the next deadline.
   * At most as many as were queued when the timer fired: a waiter the callbacks add meanwhile with a past
   * deadline waits for the next (immediate) turn, so a caller that re-queues on failure cannot spin here.
   */
  private expire(now: number): number {
    let budget = this.count;
    for (;;) {
      const bucket = this.firstBucket();
      if (bucket === undefined) return Number.POSITIVE_INFINITY;
      if (bucket.key > now) return bucket.key;
      // Walk the bucket: fail what is due; what is not (a later fraction of this millisecond) sets the next time.
      let next = Number.POSITIVE_INFINITY;
      let t = bucket.first;
      while (t !== undefined) {
        if (budget === 0) return now;
        const later: Ticket<T> | undefined = t.later;
        if (t.deadline <= now) {
          budget--;
          this.unlink(t);
          t.waiter.fail(this.timeoutError(t.waiter));
        } else if (t.deadline < next) next = t.deadline;
        // a callback may have cancelled `later`: then go on from the bucket's first that is still due
        t = later === undefined || later.state === queued ? later : bucket.first;
      }
      if (next < Number.POSITIVE_INFINITY && bucket.first !== undefined) return next;
    }
  }

  /** The earliest non-empty bucket (stale keys dropped on the way). */
  private firstBucket(): Bucket<T> | undefined {
    for (;;) {
      const key = this.keys.peek();
      if (key === undefined) return undefined;
      const bucket = this.buckets.get(key);
      if (bucket !== undefined && bucket.first !== undefined) return bucket;
      this.keys.pop();
      if (bucket !== undefined) this.buckets.delete(key);
    }
  }

  private unlink(t: Ticket<T>): void {
    t.state = settled;
    if (t.prev) t.prev.next = t.next;
    else this.head = t.next;
    if (t.next) t.next.prev = t.prev;
    else this.tail = t.prev;
    const bucket = t.bucket;
    if (t.earlier) t.earlier.later = t.later;
    else bucket.first = t.later;
    if (t.later) t.later.earlier = t.earlier;
    else bucket.last = t.earlier;
    t.prev = t.next = t.earlier = t.later = undefined;
    if (--this.count === 0) {
      this.timer.clear();
      this.onChange();
    }
  }
}
