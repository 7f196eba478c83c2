import { Subject } from 'rxjs';
import type { RouterEvent } from '../router/router-event.js';
import type { TracePublisher } from './trace-publisher.js';

/**
 * A router's `events$` source that also feeds `node:diagnostics_channel`: `observed` is true while `events$` has
 * a subscriber OR some `qdb-router:*` channel has one at this moment (so the router builds its per-request
 * events only then), and `next` publishes each event on its channel too (see `tracePublisher`). Checked at each
 * event, never polled.
 */
export class TraceSubject extends Subject<RouterEvent> {
  private readonly trace: TracePublisher;
  private done = false;

  constructor(trace: TracePublisher) {
    super();
    this.trace = trace;
  }

  override get observed(): boolean {
    return super.observed || (!this.done && this.trace.active());
  }

  override next(event: RouterEvent): void {
    if (this.done) return;
    if (super.observed) super.next(event);
    this.trace.publish(event);
  }

  override complete(): void {
    this.done = true;
    super.complete();
  }
}
