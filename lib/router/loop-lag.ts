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
 * runs before any deadline timer that expired during the stall, and the stall is known when they are judged.
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

  /** How long, within [from, to], the event loop was stalled (0 when it ran freely). */
  stalledMs(from: number, to: number): number {
    let total = 0;
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
