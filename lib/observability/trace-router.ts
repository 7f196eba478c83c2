import type { Router } from '../router/router-types.js';
import { tracingMuted } from './trace-muted.js';

/** Options of {@link traceRouter}. */
export interface TraceOptions {
  /**
   * @deprecated Ignored: subscribers are checked at publish time (`hasSubscribers`), nothing is polled.
   */
  readonly checkEveryMs?: number;
}

/**
 * Every router publishes its request lifecycle on `node:diagnostics_channel` (see {@link TraceChannel}) by
 * itself, as undici does: each event is published when its channel has a subscriber at that moment, so a
 * subscriber attached mid-traffic sees the very next request, and with no subscriber no per-request event is
 * even built. `traceRouter` is therefore only needed to turn that off and on again: `stop()` mutes this router
 * (nothing more is published for it), a later `traceRouter(router)` unmutes it. Outside Node (the browser build)
 * nothing is published.
 *
 * ```ts
 * import diagnostics_channel from 'node:diagnostics_channel';
 * diagnostics_channel.subscribe('qdb-router:request:end', (m) => console.log(m.requestId, m.durationMs));
 * ```
 */
export function traceRouter(router: Router, _options: TraceOptions = {}): { stop(): void } {
  tracingMuted.delete(router);
  return {
    stop() {
      tracingMuted.add(router);
    },
  };
}
