/**
 * qdb-router: the public API (docs/api.md). Every public name is listed here explicitly; the parts the router is
 * built from (transport, health streams, router internals) are in `qdb-router/internal` (lib/internal.ts),
 * which may change in any release.
 */
export type {
  BalancerName,
  HedgeOptions,
  ResolvedConfig,
  RetryOptions,
  RouterConfig,
  RouterPoolOptions,
} from './config.js';
export { configDefaults, maxTimeoutMs } from './config.js';
export type { ErrorCode as ErrorCodeValue, NodeReport, RouterErrorOptions } from './errors.js';
export {
  ConfigError,
  ErrorCode,
  isRetryable,
  RemoteError,
  RequestTimeoutError,
  RouterError,
} from './errors.js';
export { monotonicScheduler } from './monotonic-scheduler.js';
export { debugRouter } from './observability/debug-router.js';
export type { InstrumentOptions } from './observability/instrument-router.js';
export { instrumentRouter } from './observability/instrument-router.js';
export { MetricName } from './observability/metric-name.js';
export { observeRouter } from './observability/observe-router.js';
export { TraceChannel } from './observability/trace-channel.js';
export type { TraceOptions } from './observability/trace-router.js';
export { traceRouter } from './observability/trace-router.js';
export type { Backoff, BackoffPolicy, JitterMode } from './operators/backoff.js';
export { backoff } from './operators/backoff.js';
export { decodeFrames } from './operators/decode-frames.js';
export { executeWithRetry } from './operators/execute-with-retry.js';
export type { HedgeConfig } from './operators/hedge.js';
export { hedge } from './operators/hedge.js';
export type { HedgeBudgetOptions } from './operators/hedge-budget.js';
export { HedgeBudget } from './operators/hedge-budget.js';
export type { LatencyWindowOptions } from './operators/latency-window.js';
export { LatencyWindow } from './operators/latency-window.js';
export type { RetryBackoffConfig, RetryInfo } from './operators/retry-backoff.js';
export { retryBackoff } from './operators/retry-backoff.js';
export type { RetryBudgetOptions } from './operators/retry-budget.js';
export { RetryBudget } from './operators/retry-budget.js';
export { AbortedError } from './router/aborted-error.js';
export type { NoEligibleNodeDetail } from './router/no-eligible-node-error.js';
export { NoEligibleNodeError } from './router/no-eligible-node-error.js';
export { createRouter } from './router/router.js';
export type { MembershipSource, RouterEvent } from './router/router-event.js';
export type { PromiseRequestOptions, RequestOptions, Router } from './router/router-types.js';
export { validateConfig } from './router/validate-config.js';
export type { HealthPolicy } from './streams/health-policy.js';
export type { WebSocketConstructor } from './transport/connect-websocket.js';
export type { CloseReason } from './transport/connection.js';
export type { TlsOptions } from './transport/connector.js';
export type {
  Credentials,
  CredentialsProvider,
  Handshake,
  HandshakeChannel,
  HandshakeContext,
  HandshakeResult,
} from './transport/handshake-types.js';
export type { PoolConnection } from './transport/pool-connection.js';
export type { PoolOptions, PoolStats } from './transport/pool-types.js';
export { tokenHandshake } from './transport/token-handshake.js';
export type {
  ClusterHealth,
  HealthNodes,
  HealthReason,
  NodeAddress,
  NodeHealth,
  NodeId,
  Protocol,
} from './types.js';
export { HealthStatus } from './types.js';
export type { EncodeOptions } from './wire/encode.js';
export { encodeFrame } from './wire/encode.js';
export type { ErrorPayload } from './wire/error-payload.js';
export { errorPayload } from './wire/error-payload.js';
export type { FrameDecoderOptions } from './wire/frame-decoder.js';
export { FrameDecoder } from './wire/frame-decoder.js';
export type { Message } from './wire/message.js';
export { MessageType } from './wire/message.js';
