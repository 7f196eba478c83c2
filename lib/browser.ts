/**
 * The browser entry of qdb-router (`qdb-router/browser`, bundled by `npm run build` into
 * `dist/browser/qdb-router.js`): the router over `ws://` / `wss://` nodes, plus the wire codec, the retry
 * operator and the health streams, all unchanged. TCP and TLS are not available in a browser.
 */

export { ConfigError, ErrorCode, isRetryable, RemoteError, RouterError } from './errors.js';
export { backoff } from './operators/backoff.js';
export { executeWithRetry } from './operators/execute-with-retry.js';
export { retryBackoff } from './operators/retry-backoff.js';
export { RetryBudget } from './operators/retry-budget.js';
export { AbortedError } from './router/aborted-error.js';
export { balancers } from './router/balancers.js';
export { NoEligibleNodeError } from './router/no-eligible-node-error.js';
export { createRouter } from './router/router.js';
export { validateConfig } from './router/validate-config.js';
export { clusterHealth } from './streams/cluster-health.js';
export { eligible } from './streams/eligible.js';
export { heartbeat } from './streams/heartbeat.js';
export { nodeHealth } from './streams/node-health.js';
export { connectWebSocket } from './transport/connect-websocket.js';
export { protocolPriority, rankAddresses, supportedProtocols } from './transport/rank-addresses.js';
export { HealthStatus } from './types.js';
export { encodeFrame } from './wire/encode.js';
export { FrameDecoder } from './wire/frame-decoder.js';
export { MessageType } from './wire/message.js';
