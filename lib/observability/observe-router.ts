import type { Router } from '../router/router-types.js';
import { type InstrumentOptions, instrumentRouter } from './instrument-router.js';
import { type TraceOptions, traceRouter } from './trace-router.js';

/**
 * Metrics ({@link instrumentRouter}) and tracing ({@link traceRouter}) for a router, in one call, both free
 * while nobody listens (no OpenTelemetry SDK, no diagnostics_channel subscriber). `stop()` ends both; call it on
 * `router.close()`.
 *
 * ```ts
 * const router = createRouter(config);
 * const observability = observeRouter(router);   // … later: observability.stop()
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
