import type { Router } from '../router/router-types.js';
import { type InstrumentOptions, instrumentRouter } from './instrument-router.js';
import { type TraceOptions, traceRouter } from './trace-router.js';

/**
 * Metrics ({@link instrumentRouter}) and tracing ({@link traceRouter}) for a router, in one call, both free
 * while nobody listens (no OpenTelemetry SDK, no diagnostics_channel subscriber). Both end by themselves when
 * the router closes; `stop()` ends them sooner.
 *
 * ```ts
 * const router = createRouter(config);
 * observeRouter(router);   // until router.close()
 * ```
 */
export function observeRouter(
  router: Router,
  options: InstrumentOptions & TraceOptions = {},
): { stop(): void } {
  const metered = instrumentRouter(router, options);
  const traced = traceRouter(router, options);
  return {
    stop() {
      metered.stop();
      traced.stop();
    },
  };
}
