import type { VirtualTimeScheduler } from 'rxjs';

/**
 * Runs every action of a `VirtualTimeScheduler` due at or before `time`, then sets its clock to `time`
 * (actions due later stay queued). For tests that mix virtual time with promises, which `TestScheduler.run`
 * cannot: `advanceTo(scheduler, 100); await settle(); advanceTo(scheduler, 200)`.
 */
export function advanceTo(scheduler: VirtualTimeScheduler, time: number): void {
  scheduler.maxFrames = time;
  scheduler.flush();
  scheduler.frame = time;
}
