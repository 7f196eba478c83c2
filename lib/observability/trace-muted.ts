/** Routers whose diagnostics_channel publishing `traceRouter(router).stop()` turned off (see `tracePublisher`). */
export const tracingMuted = new WeakSet<object>();
