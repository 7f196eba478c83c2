import type { SchedulerLike, Subscription } from 'rxjs';

/** One stall of the client's event loop: the loop ran nothing from `from` to `to` (scheduler ms). */
interface Stall {
  readonly from: number;
  readonly to: number;
}

/** Stalls remembered at most (older ones are dropped first). */
const maxStalls = 256;
/** A tick this late (below the stall threshold) still counts its lateness as the client's own time. */
const minLagMs = 20;

/**
 * A drift detector for the client's own event loop: a scheduler timer every `periodMs`; when a tick runs
 * `thresholdMs` or more after it was due, the loop was stalled (a GC pause, a big `JSON.parse`, thousands of
 * subscriptions in one synchronous loop) from at most one period before the due time until the tick ran.
 * {@link stalledMs} tells how much of a window the client itself was stalled — time a node's reply may have
 * waited in the socket unread, which is never evidence against the node (the fair-chance rule, docs/api.md).
 *
 * Node runs expired timers in due order, so after a stall this tick (due within one period of the stall's start)
 * usually runs before any deadline timer that expired during the stall, and the stall is known when they are
 * judged. Not always: a timer due before the tick runs first, and the loop may stay busy after the stall (the
 * replies and writes of a burst to work through) while timers judge. So {@link stalledMs} also counts the lateness
 * of a tick that is overdue now — the loop is late at this very moment, measured before the tick can say so.
 * Runs on the injected scheduler (a virtual one in specs); `stop()` ends it.
 */
export class LoopLag {
  private readonly stalls: Stall[] = [];
  private timer: Subscription | undefined;
  private due = 0;

  constructor(
    private readonly scheduler: SchedulerLike,
    private readonly periodMs = 50,
    private readonly thresholdMs = 2 * periodMs,
    private readonly onStall: (lagMs: number, from: number, to: number) => void = () => {},
  ) {}

  /** Starts ticking (idempotent). */
  start(): void {
    if (this.timer) return;
    this.arm();
  }

  stop(): void {
    this.timer?.unsubscribe();
    this.timer = undefined;
  }

  /**
   * How long, within [from, to], the event loop was stalled or saturated (0 when it ran freely) — including the
   * lateness of the tick that is overdue now (the loop is busy at this moment; the tick will record it).
   */
  stalledMs(from: number, to: number): number {
    let total = this.overdue(from, to);
    for (let i = this.stalls.length - 1; i >= 0; i--) {
      const s = this.stalls[i]!;
      if (s.to <= from) break; // stalls are recorded in time order
      total += Math.max(0, Math.min(s.to, to) - Math.max(s.from, from));
    }
    return total;
  }

  /** Records a stall seen by another timer (e.g. a deadline timer that fired late). */
  record(from: number, to: number): void {
    const last = this.stalls.at(-1);
    if (last && from <= last.to) {
      // overlaps the last one: merge
      this.stalls[this.stalls.length - 1] = { from: Math.min(last.from, from), to: Math.max(last.to, to) };
      return;
    }
    if (this.stalls.length >= maxStalls) this.stalls.shift();
    this.stalls.push({ from, to });
  }

  /** The part of [from, to] the loop is late right now: the tick was due and has not run yet. */
  private overdue(from: number, to: number): number {
    if (!this.timer) return 0;
    const now = this.scheduler.now();
    const late = now - this.due;
    if (late < minLagMs) return 0;
    // the same span the tick will record when it runs
    const start = late >= this.thresholdMs ? this.due - this.periodMs : this.due;
    const last = this.stalls.at(-1);
    const since = last ? Math.max(start, last.to) : start;
    return Math.max(0, Math.min(now, to) - Math.max(since, from));
  }

  private arm(): void {
    this.due = this.scheduler.now() + this.periodMs;
    this.timer = this.scheduler.schedule(() => this.tick(), this.periodMs);
  }

  private tick(): void {
    const now = this.scheduler.now();
    const late = now - this.due;
    if (late >= this.thresholdMs) {
      // the loop may have stopped right after the previous tick: count from there
      const from = this.due - this.periodMs;
      this.record(from, now);
      this.onStall(now - from, from, now);
    } else if (late >= minLagMs) {
      // a saturated loop (a burst of thousands of replies and subscriptions): no single stall, but every tick
      // late — that lateness is the client's time too (replies wait unread meanwhile); recorded, not reported
      this.record(this.due, now);
    }
    this.arm();
  }
}
