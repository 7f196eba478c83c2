import type { SchedulerLike, Subscription } from 'rxjs';

/** A request waiting for its hedge: linked into the timer's list through these fields (no allocation). */
export interface HedgeEntry {
  /** Scheduler time the hedge is due; set by {@link HedgeTimer.add}. */
  hedgeAt: number;
  hedgePrev: HedgeEntry | undefined;
  hedgeNext: HedgeEntry | undefined;
  hedgeQueued: boolean;
  /** Called once when due (the entry is out of the list by then). */
  hedgeDue(): void;
}

/**
 * ONE timer for every pending hedge of a router: entries sit in a doubly linked list ordered by due time (most
 * come in order, since most share the same delay: O(1) add; O(1) remove), and a single scheduler timer is armed
 * for the head. A request that is answered before its hedge is due just leaves the list; the timer is not
 * re-armed for it — when it fires with nothing due it re-arms for the new head (coarse: about one firing per
 * hedge delay under steady load, not one timer per request).
 * ```
 * adds:     a(10) b(12) c(15)    b answered at 5: removed     fires at 10: a due; re-arms at 15 for c
 * ```
 */
export class HedgeTimer {
  private readonly scheduler: SchedulerLike;
  private head: HedgeEntry | undefined;
  private tail: HedgeEntry | undefined;
  private action: Subscription | undefined;
  private armedAt = Number.POSITIVE_INFINITY;
  private closed = false;

  constructor(scheduler: SchedulerLike) {
    this.scheduler = scheduler;
  }

  /** Queues `entry` to be told at `at` (scheduler time). An entry already queued is moved. */
  add(entry: HedgeEntry, at: number): void {
    if (this.closed) return;
    if (entry.hedgeQueued) this.remove(entry);
    entry.hedgeAt = at;
    entry.hedgeQueued = true;
    let after = this.tail;
    while (after !== undefined && after.hedgeAt > at) after = after.hedgePrev;
    entry.hedgePrev = after;
    entry.hedgeNext = after === undefined ? this.head : after.hedgeNext;
    if (entry.hedgeNext) entry.hedgeNext.hedgePrev = entry;
    else this.tail = entry;
    if (after) after.hedgeNext = entry;
    else this.head = entry;
    if (at < this.armedAt) this.arm(at);
  }

  /** Takes `entry` out (its request ended or moved on); nothing if it is not queued. */
  remove(entry: HedgeEntry): void {
    if (!entry.hedgeQueued) return;
    entry.hedgeQueued = false;
    const { hedgePrev: prev, hedgeNext: next } = entry;
    if (prev) prev.hedgeNext = next;
    else this.head = next;
    if (next) next.hedgePrev = prev;
    else this.tail = prev;
    entry.hedgePrev = undefined;
    entry.hedgeNext = undefined;
  }

  /** Stops the timer for good (the router closed). */
  close(): void {
    this.closed = true;
    this.action?.unsubscribe();
    this.action = undefined;
    this.head = undefined;
    this.tail = undefined;
  }

  private arm(at: number): void {
    this.action?.unsubscribe();
    this.armedAt = at;
    this.action = this.scheduler.schedule(() => this.fire(), Math.max(0, at - this.scheduler.now()));
  }

  private fire(): void {
    this.action = undefined;
    this.armedAt = Number.POSITIVE_INFINITY;
    const now = this.scheduler.now();
    // a flat loop: a due entry may queue itself again (its next copy), always later than now
    for (let e = this.head; e !== undefined && e.hedgeAt <= now; e = this.head) {
      this.remove(e);
      e.hedgeDue();
    }
    if (this.head && !this.closed) this.arm(this.head.hedgeAt);
  }
}
