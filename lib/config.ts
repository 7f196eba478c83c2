import type { SchedulerLike } from 'rxjs';
import { configChecker } from './config-checker.js';
import type {
  BalancerName,
  HedgeOptions,
  ResolvedConfig,
  RetryOptions,
  RouterPoolOptions,
} from './config-types.js';
import { monotonicScheduler } from './monotonic-scheduler.js';
import type { JitterMode } from './operators/backoff.js';
import { resolveMembership } from './resolve-membership.js';
import type { HealthPolicy } from './streams/health-policy.js';
import type { WebSocketConstructor } from './transport/connect-websocket.js';
import type { TlsOptions } from './transport/connector.js';

// Only types are imported from the rest of qdb-router; its helpers (config-checker, parse-host, monotonic-scheduler)
// are leaves too.

export { maxTimeoutMs } from './config-checker.js';
export type {
  BalancerName,
  HedgeOptions,
  ResolvedConfig,
  RetryOptions,
  RouterConfig,
  RouterPoolOptions,
} from './config-types.js';

/** Every default of qdb-router, in one table. */
export const configDefaults = {
  timeoutMs: 5000,
  pool: {
    minConnections: 1,
    maxConnections: 4,
    maxInFlightPerConnection: 256,
    idleTimeoutMs: 60_000,
    maxLifetimeMs: 1_800_000,
    maxConnecting: 2,
    maxBufferedBytesPerConnection: 4 * 1024 * 1024,
  },
  retry: {
    maxRetries: 3,
    initialBackoffMs: 100,
    maxBackoffMs: 5000,
    backoffMultiplier: 2,
    jitter: 'none' as JitterMode,
  },
  hedge: { percentile: 99, minDelayMs: 10, maxAttempts: 2, maxExtraLoad: 0.05, windowMs: 10_000 },
  health: {
    intervalMs: 1000,
    timeoutMs: 1000,
    fall: 2,
    rise: 2,
    passiveFall: 5,
    maxIntervalMs: 4000,
    ejectionMs: 30_000,
    maxEjectionMs: 300_000,
    maxEjectionPercent: 10,
  } satisfies HealthPolicy as HealthPolicy,
  balancer: 'p2c' as BalancerName,
  slowStartMs: 10_000,
  /** A node added while the router runs starts connecting after a random delay below this. */
  joinSpreadMs: 250,
  discovery: { intervalMs: 60_000, retryIntervalMs: 1000 },
  /** 1 MiB − 1: a frame's length prefix (flag + message) at most 1,048,576, the reference reader's rule. */
  maxMessageBytes: 1024 * 1024 - 1,
  compressAboveBytes: Number.POSITIVE_INFINITY,
  request: { type: 2 /* MessageType.Data */, idempotent: true },
  /** Credentials timing: see `CredentialsStore`. */
  credentials: {
    minIntervalMs: 100,
    refreshAheadMs: 60_000,
    refreshAheadFraction: 0.25,
    rejectedBackoffMs: 1000,
    rejectedMaxBackoffMs: 30_000,
  },
  /** Internal figures, not options: named here so that no default hides in the code that uses it. */
  tuning: {
    /** The derived hedge delay is recomputed at most this often (router/hedging.ts). */
    hedgeDelayRefreshMs: 100,
    /** p2c: nodes whose RTT is within this of the fastest count as equally fast (MongoDB's latency window). */
    balancerLatencyWindowMs: 15,
    /** Codes remembered by the error table's row cache (router/classify-error.ts). */
    errorClassCacheSize: 1000,
    /** `LatencyWindow` (a node's recent reply times, for the derived hedge delay): ring size, samples needed. */
    latencyWindowSize: 128,
    latencyWindowMinSamples: 16,
    /** Requests in flight on one `Connection` used on its own (a pool sets its own bound). */
    connectionMaxInFlight: 1024,
    /** How long `Connection.close()` waits for requests in flight before destroying the socket. */
    drainTimeoutMs: 5000,
  },
} as const;

/** Builds the error for a bad value (the router passes `ConfigError`'s constructor). */
export type InvalidConfig = (field: string, value: unknown, expected: string) => Error;

const topKeys = [
  'hosts',
  'discovery',
  'joinSpreadMs',
  'timeoutMs',
  'pool',
  'retry',
  'hedge',
  'health',
  'balancer',
  'slowStartMs',
  'tls',
  'maxMessageBytes',
  'compressAboveBytes',
  'scheduler',
  'random',
  'wallClock',
  'connect',
  'WebSocket',
  'handshake',
  'credentials',
];
const poolKeys = [...Object.keys(configDefaults.pool), 'acquireTimeoutMs'];
const retryKeys = [...Object.keys(configDefaults.retry), 'budget', 'attemptTimeoutMs'];
const healthKeys = Object.keys(configDefaults.health);
const hedgeKeys = [...Object.keys(configDefaults.hedge), 'delayMs'];

/**
 * Validates a whole configuration before anything connects and fills in every default from
 * {@link configDefaults}: the first bad value throws `invalid(field, value, expected)` naming its field
 * (`hosts[2]`, `pool.maxConnections` …). Durations must be finite, positive and at most 2^31 − 1 ms.
 */
export function resolveConfig(input: unknown, invalid: InvalidConfig): Readonly<ResolvedConfig> {
  const check = configChecker(invalid);
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw invalid('config', input, 'an object');
  const c = input as Record<string, unknown>;
  check.knownKeys(c, topKeys, '');
  const membership = resolveMembership(c, invalid);
  check.duration(c, 'timeoutMs', '');
  check.duration(c, 'slowStartMs', '', true);
  check.positive(c, 'maxMessageBytes', '');
  // the frame's length prefix is a u32 and covers the flag byte too
  // an empty message is 48 bytes (44 of header, 4 of checksum: docs/architecture.md, Wire format)
  if (typeof c.maxMessageBytes === 'number' && c.maxMessageBytes < 48)
    throw invalid(
      'maxMessageBytes',
      c.maxMessageBytes,
      'at least 48 (an empty message: header and checksum)',
    );
  if (typeof c.maxMessageBytes === 'number' && c.maxMessageBytes > 0xffff_fffe)
    throw invalid('maxMessageBytes', c.maxMessageBytes, 'at most 4294967294 (the u32 frame length)');
  if (c.tls !== undefined && (typeof c.tls !== 'object' || c.tls === null || Array.isArray(c.tls)))
    throw invalid('tls', c.tls, 'an object of TLS options');
  check.positive(c, 'compressAboveBytes', '', true);
  if (c.balancer !== undefined && !['p2c', 'round-robin', 'least-outstanding'].includes(c.balancer as string))
    throw invalid('balancer', c.balancer, "'p2c', 'round-robin' or 'least-outstanding'");
  for (const key of ['random', 'wallClock', 'connect', 'WebSocket', 'handshake', 'credentials'] as const) {
    if (c[key] !== undefined && typeof c[key] !== 'function') throw invalid(key, c[key], 'a function');
  }
  if (c.scheduler !== undefined && typeof (c.scheduler as SchedulerLike | null)?.schedule !== 'function')
    throw invalid('scheduler', c.scheduler, 'an RxJS SchedulerLike');

  const pool = check.section(c, 'pool', poolKeys);
  check.whole(pool, 'minConnections', 'pool.', 0);
  for (const k of ['maxConnections', 'maxInFlightPerConnection', 'maxConnecting'] as const)
    check.whole(pool, k, 'pool.', 1);
  for (const k of ['idleTimeoutMs', 'maxLifetimeMs', 'acquireTimeoutMs'] as const)
    check.duration(pool, k, 'pool.');
  check.whole(pool, 'maxBufferedBytesPerConnection', 'pool.', 1);
  const maxConnections = (pool.maxConnections as number | undefined) ?? configDefaults.pool.maxConnections;
  if (
    (pool.minConnections as number | undefined) !== undefined &&
    (pool.minConnections as number) > maxConnections
  )
    throw invalid(
      'pool.minConnections',
      pool.minConnections,
      `at most pool.maxConnections (${maxConnections})`,
    );

  const retry = check.section(c, 'retry', retryKeys);
  check.whole(retry, 'maxRetries', 'retry.', 0);
  check.duration(retry, 'initialBackoffMs', 'retry.', true);
  check.duration(retry, 'maxBackoffMs', 'retry.', true);
  check.duration(retry, 'attemptTimeoutMs', 'retry.');
  if (
    retry.backoffMultiplier !== undefined &&
    !(
      typeof retry.backoffMultiplier === 'number' &&
      Number.isFinite(retry.backoffMultiplier) &&
      retry.backoffMultiplier >= 1
    )
  )
    throw invalid('retry.backoffMultiplier', retry.backoffMultiplier, 'a finite number >= 1');
  if (
    retry.jitter !== undefined &&
    !['none', 'full', 'equal', 'decorrelated'].includes(retry.jitter as string)
  )
    throw invalid('retry.jitter', retry.jitter, "'none', 'full', 'equal' or 'decorrelated'");
  const initialBackoffMs =
    (retry.initialBackoffMs as number | undefined) ?? configDefaults.retry.initialBackoffMs;
  if (
    (retry.maxBackoffMs as number | undefined) !== undefined &&
    (retry.maxBackoffMs as number) < initialBackoffMs
  )
    throw invalid('retry.maxBackoffMs', retry.maxBackoffMs, 'at least retry.initialBackoffMs');
  if (
    retry.budget !== undefined &&
    retry.budget !== false &&
    (typeof retry.budget !== 'object' || retry.budget === null)
  )
    throw invalid('retry.budget', retry.budget, 'an object or false');
  if (typeof retry.budget === 'object' && retry.budget !== null) {
    const budget = retry.budget as Record<string, unknown>;
    check.knownKeys(budget, ['percentCanRetry', 'minRetriesPerSecond', 'ttlMs'], 'retry.budget.');
    const p = budget.percentCanRetry;
    if (p !== undefined && !(typeof p === 'number' && p >= 0 && p <= 1))
      throw invalid('retry.budget.percentCanRetry', p, 'a number from 0 to 1');
    const v = budget.minRetriesPerSecond;
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= 0))
      throw invalid('retry.budget.minRetriesPerSecond', v, 'a finite number >= 0');
    const ttl = budget.ttlMs;
    if (ttl !== undefined && !(typeof ttl === 'number' && ttl >= 1000 && ttl <= 60_000))
      throw invalid('retry.budget.ttlMs', ttl, 'a number of ms from 1000 to 60000');
  }

  const hedge = c.hedge === true || c.hedge === false ? {} : check.section(c, 'hedge', hedgeKeys);
  check.hedge(hedge, 'hedge.');

  const health = check.section(c, 'health', healthKeys);
  for (const k of ['intervalMs', 'timeoutMs', 'maxIntervalMs', 'ejectionMs', 'maxEjectionMs'] as const)
    check.duration(health, k, 'health.');
  for (const k of ['fall', 'rise', 'passiveFall'] as const) check.whole(health, k, 'health.', 1);
  const intervalMs = (health.intervalMs as number | undefined) ?? configDefaults.health.intervalMs;
  if (health.maxIntervalMs !== undefined && (health.maxIntervalMs as number) < intervalMs)
    throw invalid('health.maxIntervalMs', health.maxIntervalMs, `at least health.intervalMs (${intervalMs})`);
  const pct = health.maxEjectionPercent;
  if (pct !== undefined && !(typeof pct === 'number' && pct >= 0 && pct <= 100))
    throw invalid('health.maxEjectionPercent', pct, 'a number from 0 to 100');

  const timeoutMs = (c.timeoutMs as number | undefined) ?? configDefaults.timeoutMs;
  const given = <T>(o: Record<string, unknown>) => o as Partial<T>;
  return Object.freeze({
    ...membership,
    timeoutMs,
    pool: Object.freeze({
      ...configDefaults.pool,
      acquireTimeoutMs: timeoutMs,
      ...given<RouterPoolOptions>(pool),
    }) as Required<RouterPoolOptions>,
    retry: Object.freeze({
      ...configDefaults.retry,
      budget: {},
      attemptTimeoutMs: undefined,
      ...given<RetryOptions>(retry),
    }) as ResolvedConfig['retry'],
    hedge: Object.freeze({
      ...configDefaults.hedge,
      delayMs: undefined,
      ...given<HedgeOptions>(hedge),
      enabled: c.hedge !== undefined && c.hedge !== false,
    }),
    health: Object.freeze({ ...configDefaults.health, ...given<HealthPolicy>(health) }),
    balancer: (c.balancer as BalancerName | undefined) ?? configDefaults.balancer,
    slowStartMs: (c.slowStartMs as number | undefined) ?? configDefaults.slowStartMs,
    tls: c.tls as TlsOptions | undefined,
    maxMessageBytes: (c.maxMessageBytes as number | undefined) ?? configDefaults.maxMessageBytes,
    compressAboveBytes: (c.compressAboveBytes as number | undefined) ?? configDefaults.compressAboveBytes,
    scheduler: (c.scheduler as SchedulerLike | undefined) ?? monotonicScheduler,
    random: (c.random as (() => number) | undefined) ?? Math.random,
    wallClock: (c.wallClock as (() => number) | undefined) ?? Date.now,
    WebSocket: c.WebSocket as WebSocketConstructor | undefined,
    connect: c.connect as ResolvedConfig['connect'],
    handshake: c.handshake as ResolvedConfig['handshake'],
    credentials: c.credentials as ResolvedConfig['credentials'],
  });
}
