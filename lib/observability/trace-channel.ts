/**
 * The `node:diagnostics_channel` names on which qdb-router publishes each request's lifecycle (as undici does
 * with `undici:request:*`), so APM tools can subscribe without a dependency. Every message is the router event
 * itself (`type`, `at`, `requestId` …, see `RouterEvent`) plus `router`, the router that sent it.
 */
export const TraceChannel = {
  /** `requestStarted`: `{ requestId, type, idempotent, timeoutMs }` */
  RequestStart: 'qdb-router:request:start',
  /** `attemptStarted`: `{ requestId, nodeId, attempt }` */
  Attempt: 'qdb-router:request:attempt',
  /** `retryScheduled`: `{ requestId, nodeId, attempt, delayMs, code }` */
  Retry: 'qdb-router:request:retry',
  /** `hedgeSent` and `hedgeWon`: `{ requestId, nodeId }` */
  Hedge: 'qdb-router:request:hedge',
  /** `requestSucceeded` or `requestFailed`: `{ requestId, nodeId, durationMs, attempts, code? }` */
  End: 'qdb-router:request:end',
  /** `nodeStatusChanged`: `{ nodeId, previous, status, reason }` */
  NodeStatus: 'qdb-router:node:status',
} as const;
export type TraceChannel = (typeof TraceChannel)[keyof typeof TraceChannel];
