/**
 * qdb-router/internal: the parts the router is built from — transport, health streams, router internals.
 * Usable (the benchmark and the CLI use them) but NOT a stable API: names and signatures may change in any
 * release. The stable API is `qdb-router` (lib/index.ts).
 */
export type { InvalidConfig } from './config.js';
export { resolveConfig } from './config.js';
export type { RetryDecision, RetryQuestion, RetryRefusal } from './operators/retry-decision.js';
export { refusals, retryDecision } from './operators/retry-decision.js';
export type { AttemptTimeoutInput } from './router/attempt-timeout.js';
export { attemptTimeout } from './router/attempt-timeout.js';
export type { Balancer, CandidateView, PickContext } from './router/balancers.js';
export { balancers } from './router/balancers.js';
export type { ErrorClass, HealthKind } from './router/classify-error.js';
export { classifyError } from './router/classify-error.js';
export { ClusterView } from './router/cluster-view.js';
export type {
  CopyCase,
  CopyDecision,
  HedgeCase,
  HedgeDecision,
  HedgeRefusal,
  RetryCase,
  RetryPolicy,
} from './router/decide.js';
export { decide, poisonAfter } from './router/decide.js';
export type { RequestHealth } from './router/health-feedback.js';
export { HealthFeedback } from './router/health-feedback.js';
export type { HedgeEntry } from './router/hedge-timer.js';
export { HedgeTimer } from './router/hedge-timer.js';
export { Hedging } from './router/hedging.js';
export type { CloseSteps } from './router/lifecycle.js';
export { Lifecycle } from './router/lifecycle.js';
export type { RouterNode } from './router/nodes.js';
export { Nodes } from './router/nodes.js';
export { Picker } from './router/picker.js';
export type { ProbeOptions } from './router/probe.js';
export { probe } from './router/probe.js';
export type { RequestState } from './router/request.js';
export { RouterRequest } from './router/request.js';
export type { AttemptOwner } from './router/request-attempt.js';
export { RequestAttempt } from './router/request-attempt.js';
export { requestBytes } from './router/request-bytes.js';
export type { RequestFacts } from './router/request-events.js';
export { requestEvents } from './router/request-events.js';
export type { RequestParts } from './router/request-parts.js';
export type { ResolvedRequestOptions } from './router/resolve-request-options.js';
export { resolveRequestOptions } from './router/resolve-request-options.js';
export { routeRequest } from './router/route-request.js';
export type { RouterHealthParts } from './router/router-health.js';
export { routerHealth } from './router/router-health.js';
export type { NodeFigures } from './router/select-node.js';
export { selectNode } from './router/select-node.js';
export { statusChanges } from './router/status-changes.js';
export { configError } from './router/validate-config.js';
export { waitForNode } from './router/wait-for-node.js';
export type { ClusterHealthOptions } from './streams/cluster-health.js';
export { clusterHealth } from './streams/cluster-health.js';
export { defaultHealthPolicy } from './streams/default-health-policy.js';
export { eligible } from './streams/eligible.js';
export type { HealthSignal } from './streams/health-signal.js';
export type { HeartbeatOptions, ProbeSample } from './streams/heartbeat.js';
export { heartbeat } from './streams/heartbeat.js';
export { nodeHealth } from './streams/node-health.js';
export { NodeMap } from './streams/node-map.js';
export type { ByteStream } from './transport/byte-stream.js';
export type { NodeSetup } from './transport/connect-node.js';
export { connectNode } from './transport/connect-node.js';
export type { WebSocketConnectOptions } from './transport/connect-websocket.js';
export { connectWebSocket, webSocketUrl } from './transport/connect-websocket.js';
export type { ConnectionOptions } from './transport/connection.js';
export { Connection } from './transport/connection.js';
export type { ConnectOptions, Connector } from './transport/connector.js';
export { connectSocket } from './transport/connector.js';
export type {
  CredentialsGrant,
  CredentialsStoreOptions,
  CredentialsTiming,
} from './transport/credentials-store.js';
export { CredentialsStore } from './transport/credentials-store.js';
export { Pool } from './transport/pool.js';
export type { PoolEvent } from './transport/pool-types.js';
export { protocolPriority, rankAddresses, supportedProtocols } from './transport/rank-addresses.js';
export { SlotTable } from './transport/slot-table.js';
export type { WebSocketLike } from './transport/ws-byte-stream.js';
export { WsByteStream } from './transport/ws-byte-stream.js';
export { wsCloseError } from './transport/ws-close-error.js';
