import {
  type Attributes,
  createNoopMeter,
  type Histogram,
  type MeterProvider,
  metrics,
  type Observable,
} from '@opentelemetry/api';
import type { RouterEvent } from '../router/router-event.js';
import type { Router } from '../router/router-types.js';
import { type ClusterHealth, HealthStatus, type NodeAddress, type NodeId } from '../types.js';
import { MessageType } from '../wire/message.js';
import { MetricName } from './metric-name.js';

/** Options of {@link instrumentRouter}. */
export interface InstrumentOptions {
  /** Where the instruments live. @defaultValue the global MeterProvider (a no-op until an SDK registers one) */
  readonly meterProvider?: MeterProvider;
  /** Wall-clock ms, for `qdb.router.node.last_seen`. @defaultValue Date.now */
  readonly now?: () => number;
}

/** The semantic conventions' advised buckets for db.client durations, in seconds. */
const secondsBuckets = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10];
const typeNames = new Map<number, string>(Object.entries(MessageType).map(([name, n]) => [n, name]));
const noopMeter = createNoopMeter();
const statuses = Object.values(HealthStatus);

type Loose = RouterEvent & {
  readonly requestId?: number;
  readonly nodeId?: NodeId;
  readonly durationMs?: number;
  readonly code?: string;
};

/**
 * Reports a router's work as OpenTelemetry metrics (see {@link MetricName}), from `router.events$`,
 * `router.health$` and `router.poolStats()`. With no SDK installed (the global MeterProvider is the API's no-op)
 * it subscribes to nothing and costs nothing: per-request events are not even built. It stops by itself when
 * the router closes (`health$` completes); `stop()` ends it sooner.
 *
 * ```ts
 * instrumentRouter(router);                            // the global provider, e.g. from NodeSDK
 * instrumentRouter(router, { meterProvider });          // or a given one
 * ```
 */
export function instrumentRouter(router: Router, options: InstrumentOptions = {}): { stop(): void } {
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter('qdb-router');
  if (meter === noopMeter || meter.constructor === noopMeter.constructor) return { stop() {} };
  const now = options.now ?? Date.now;
  // Keyed by NodeId (ids are router-assigned and never reused; membership may change): rebuilt only when the
  // router's address list changes.
  let known: readonly NodeAddress[] | undefined;
  let byId = new Map<NodeId, NodeAddress>();
  const addressOf = (id: NodeId): NodeAddress | undefined => {
    if (router.addresses !== known) {
      known = router.addresses;
      byId = new Map(known.map((a) => [a.id, a]));
    }
    return byId.get(id);
  };
  const nodeOf = (id: NodeId | undefined): Attributes => {
    const a = id === undefined ? undefined : addressOf(id);
    return a ? { 'server.address': a.host, 'server.port': a.port, 'qdb.node.id': a.id } : {};
  };
  const pool = (id: NodeId): Attributes => ({
    'db.client.connection.pool.name': addressOf(id)?.label ?? `node ${id}`,
  });
  const seconds = (name: string, description: string): Histogram =>
    meter.createHistogram(name, {
      unit: 's',
      description,
      advice: { explicitBucketBoundaries: secondsBuckets },
    });

  const duration = seconds(MetricName.OperationDuration, 'Duration of a request, retries included.');
  const createTime = seconds(MetricName.ConnectionCreateTime, 'Time it took to open a connection.');
  const waitTime = seconds(MetricName.ConnectionWaitTime, 'Time a queued request waited for a connection.');
  const useTime = seconds(MetricName.ConnectionUseTime, 'Time an attempt held its place on a connection.');
  const timeouts = meter.createCounter(MetricName.ConnectionTimeouts, {
    unit: '{timeout}',
    description: 'Waits for a connection that timed out.',
  });
  const retries = meter.createCounter(MetricName.Retries, {
    unit: '{retry}',
    description: 'Retries scheduled.',
  });
  const hedges = meter.createCounter(MetricName.Hedges, {
    unit: '{hedge}',
    description: 'Hedged copies sent.',
  });
  const hedgeWins = meter.createCounter(MetricName.HedgeWins, {
    unit: '{hedge}',
    description: 'Hedged copies whose reply won.',
  });
  const ejections = meter.createCounter(MetricName.Ejections, {
    unit: '{ejection}',
    description: 'Nodes taken out by passive health feedback.',
  });
  const changes = meter.createCounter(MetricName.NodeStatusChanges, {
    unit: '{change}',
    description: 'Node health status changes.',
  });
  const observed: Observable[] = [
    meter.createObservableUpDownCounter(MetricName.ConnectionCount, {
      unit: '{connection}',
      description: 'Open connections, by state.',
    }),
    meter.createObservableUpDownCounter(MetricName.PendingRequests, {
      unit: '{request}',
      description: 'Requests waiting for a connection.',
    }),
    meter.createObservableGauge(MetricName.NodeStatus, {
      unit: '1',
      description: 'Current health status (1).',
    }),
    meter.createObservableGauge(MetricName.NodeEligible, {
      unit: '1',
      description: 'Eligible for requests.',
    }),
    meter.createObservableGauge(MetricName.NodeRtt, {
      unit: 's',
      description:
        'Smoothed heartbeat round-trip time (NaN while the node is down: its last value is stale; absent before any sample).',
    }),
    meter.createObservableGauge(MetricName.NodeLastSeen, {
      unit: 's',
      description: 'Unix time of the last answered heartbeat.',
    }),
  ];
  const [count, pending, status, eligible, rtt, lastSeen] = observed as [
    Observable,
    Observable,
    Observable,
    Observable,
    Observable,
    Observable,
  ];

  let health: ClusterHealth | undefined;
  const seenAt = new Map<NodeId, number>();
  const collect = (result: import('@opentelemetry/api').BatchObservableResult) => {
    for (const s of router.poolStats()) {
      const attrs = pool(s.nodeId);
      result.observe(count, s.open - s.idle, { ...attrs, 'db.client.connection.state': 'used' });
      result.observe(count, s.idle, { ...attrs, 'db.client.connection.state': 'idle' });
      result.observe(pending, s.waiting, attrs);
    }
    if (!health) return;
    for (const [id, n] of health.nodes) {
      for (const st of statuses)
        result.observe(status, n.status === st ? 1 : 0, { ...nodeOf(id), 'qdb.node.status': st });
      result.observe(eligible, health.eligible.includes(id) ? 1 : 0, nodeOf(id));
      // a down node's last RTT is stale: NaN (Prometheus' own "no value") once it had one, as the SDK keeps
      // reporting a series it has seen with its last value
      if (n.rttMs !== null)
        result.observe(rtt, n.status === 'down' ? Number.NaN : n.rttMs / 1000, nodeOf(id));
      const seen = seenAt.get(id);
      if (seen !== undefined) result.observe(lastSeen, seen / 1000, nodeOf(id));
    }
  };
  meter.addBatchObservableCallback(collect, observed);

  // per request: its message type (from requestStarted) and the start of its current attempt
  const requests = new Map<number, { type?: number; attemptAt?: number; attemptNode?: NodeId }>();
  // per node: when connects and queued waits began (FIFO), as the pool's stats report them
  const connecting = new Map<NodeId, { last: number; starts: number[] }>();
  const waiting = new Map<NodeId, { last: number; starts: number[] }>();
  const fifo = (table: typeof connecting, id: NodeId, value: number, at: number, record?: Histogram) => {
    const q = table.get(id) ?? { last: 0, starts: [] };
    table.set(id, q);
    for (let i = q.last; i < value; i++) q.starts.push(at);
    for (let i = value; i < q.last; i++) {
      const start = q.starts.shift();
      if (record && start !== undefined) record.record((at - start) / 1000, pool(id));
    }
    q.last = value;
  };
  const endAttempt = (requestId: number | undefined, at: number) => {
    const r = requestId === undefined ? undefined : requests.get(requestId);
    if (r?.attemptAt === undefined || r.attemptNode === undefined) return;
    useTime.record((at - r.attemptAt) / 1000, pool(r.attemptNode));
    r.attemptAt = undefined;
  };

  // health$ completes when the router closes: the instruments stop by themselves then
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    eventSub?.unsubscribe();
    healthSub?.unsubscribe();
    meter.removeBatchObservableCallback(collect, observed);
  };
  let eventSub: { unsubscribe(): void } | undefined;
  let healthSub: { unsubscribe(): void } | undefined;
  healthSub = router.health$.subscribe({ next: (h) => (health = h), complete: stop });
  if (stopped) return { stop };
  eventSub = router.events$.subscribe((event) => onEvent(event as Loose));
  // request events per the helpers' contract (requestId, nodeId …); fields a router does not send yet are skipped
  function onEvent(e: Loose): void {
    const kind = e.type as string;
    if (kind === 'requestStarted') {
      requests.set(e.requestId!, { type: (e as { messageType?: number }).messageType });
    } else if (kind === 'attemptStarted') {
      const r = requests.get(e.requestId!) ?? {};
      requests.set(e.requestId!, { ...r, attemptAt: e.at, attemptNode: e.nodeId });
    } else if (kind === 'retryScheduled') {
      endAttempt(e.requestId, e.at);
      retries.add(1, { ...nodeOf(e.nodeId), 'error.type': e.code ?? 'unknown' });
      if (e.code === 'ERR_ACQUIRE_TIMEOUT') timeouts.add(1, e.nodeId === undefined ? {} : pool(e.nodeId));
    } else if (kind === 'requestSucceeded' || kind === 'requestFailed') {
      endAttempt(e.requestId, e.at);
      const r = e.requestId === undefined ? undefined : requests.get(e.requestId);
      if (e.requestId !== undefined) requests.delete(e.requestId);
      const attrs: Attributes = { 'db.system.name': 'qdb', ...nodeOf(e.nodeId) };
      delete attrs['qdb.node.id'];
      const name = r?.type === undefined ? undefined : typeNames.get(r.type);
      if (name) attrs['db.operation.name'] = name;
      if (kind === 'requestFailed') {
        attrs['error.type'] = e.code ?? 'unknown';
        if (e.code === 'ERR_ACQUIRE_TIMEOUT') timeouts.add(1, e.nodeId === undefined ? {} : pool(e.nodeId));
      }
      duration.record((e.durationMs ?? 0) / 1000, attrs);
    } else if (kind === 'hedgeSent') hedges.add(1, nodeOf(e.nodeId));
    else if (kind === 'hedgeWon') hedgeWins.add(1, nodeOf(e.nodeId));
    else if (kind === 'nodeEjected') ejections.add(1, nodeOf(e.nodeId));
    else if (e.type === 'nodeStatusChanged')
      changes.add(1, { ...nodeOf(e.nodeId), 'qdb.node.status': e.status, 'qdb.health.reason': e.reason });
    else if (e.type === 'heartbeatSucceeded') seenAt.set(e.nodeId, now());
    else if (e.type === 'poolStats') {
      fifo(connecting, e.stats.nodeId, e.stats.connecting, e.at);
      fifo(waiting, e.stats.nodeId, e.stats.waiting, e.at, waitTime);
    } else if (e.type === 'connectionCreated' || e.type === 'connectFailed') {
      const q = connecting.get(e.nodeId);
      const start = q?.starts.shift();
      if (q) q.last = Math.max(0, q.last - 1);
      const took = e.durationMs ?? (start === undefined ? undefined : e.at - start);
      if (e.type === 'connectionCreated' && took !== undefined)
        createTime.record(took / 1000, pool(e.nodeId));
    }
  }
  return { stop };
}
