import type { HedgeEntry } from './hedge-timer.js';

/**
 * A hedged request's place in the shared {@link HedgeTimer}'s list: made only for a request that may be hedged,
 * so a request that is not carries none of these fields.
 */
export class RequestHedge implements HedgeEntry {
  hedgeAt = 0;
  hedgePrev: HedgeEntry | undefined = undefined;
  hedgeNext: HedgeEntry | undefined = undefined;
  hedgeQueued = false;

  constructor(
    private readonly owner: { hedgeDue(): void },
    /** The request's own hedge delay (ms), overriding the router's. */
    readonly delayMs: number | undefined,
  ) {}

  hedgeDue(): void {
    this.owner.hedgeDue();
  }
}
