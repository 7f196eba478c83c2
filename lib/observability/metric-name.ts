/**
 * The instruments qdb-router reports through `@opentelemetry/api` (meter name `qdb-router`).
 *
 * - `db.client.*`: the OpenTelemetry database client semantic conventions (durations in seconds), with
 *   `db.system.name = "qdb"`, `db.client.connection.pool.name` = the node's address, `server.address`/`.port`,
 *   `db.operation.name` = the message type (`Data`, `Admin` …) and `error.type` = the `RouterError` code.
 * - `qdb.router.*`: the router's own instruments (node health, retries, hedges, ejections).
 *
 * In Prometheus (the dashboard's `/metrics`) dots become underscores, seconds get `_seconds` and counters
 * `_total`: `db_client_operation_duration_seconds_bucket`, `qdb_router_retries_total` …
 */
export const MetricName = {
  /** Histogram, s: one routed request, first attempt to reply or final error (retries included). */
  OperationDuration: 'db.client.operation.duration',
  /** UpDownCounter (observed), {connection}: open connections by `db.client.connection.state` idle|used. */
  ConnectionCount: 'db.client.connection.count',
  /** UpDownCounter (observed), {request}: requests waiting for a connection. */
  PendingRequests: 'db.client.connection.pending_requests',
  /** Counter, {timeout}: waits for a connection that ended by the deadline (`ERR_ACQUIRE_TIMEOUT`). */
  ConnectionTimeouts: 'db.client.connection.timeouts',
  /** Histogram, s: time to open a connection (connect, TLS, WebSocket upgrade). */
  ConnectionCreateTime: 'db.client.connection.create_time',
  /** Histogram, s: how long a request that had to queue waited for a connection. */
  ConnectionWaitTime: 'db.client.connection.wait_time',
  /** Histogram, s: how long one attempt held its place on a connection (sent to reply or failure). */
  ConnectionUseTime: 'db.client.connection.use_time',
  /** Gauge, 1: 1 for the node's current health status (`qdb.node.status` unknown|up|suspect|down|probation), else 0. */
  NodeStatus: 'qdb.router.node.status',
  /** Gauge, 1: whether the node may receive requests. */
  NodeEligible: 'qdb.router.node.eligible',
  /** Gauge, s: smoothed heartbeat round-trip time; NaN while the node is down (its last value is stale). */
  NodeRtt: 'qdb.router.node.rtt',
  /** Gauge, s: Unix time of the node's last answered heartbeat; absent before any. */
  NodeLastSeen: 'qdb.router.node.last_seen',
  /** Counter, {change}: health status changes, by the new `qdb.node.status` and `qdb.health.reason`. */
  NodeStatusChanges: 'qdb.router.node.status_changes',
  /** Counter, {retry}: retries scheduled, by the node whose attempt failed and `error.type`. */
  Retries: 'qdb.router.retries',
  /** Counter, {hedge}: hedged copies sent, by node. */
  Hedges: 'qdb.router.hedges',
  /** Counter, {hedge}: hedged copies whose reply won, by node. */
  HedgeWins: 'qdb.router.hedge.wins',
  /** Counter, {ejection}: passive ejections (health feedback took a node out), by node. */
  Ejections: 'qdb.router.ejections',
} as const;
export type MetricName = (typeof MetricName)[keyof typeof MetricName];
