import type { SchedulerLike } from 'rxjs';
import { ConfigError } from './errors.js';
import type { JitterMode } from './operators/backoff.js';
import type { RetryBudgetOptions } from './operators/retry-budget.js';
import type { HealthPolicy } from './streams/health-policy.js';
import type { WebSocketConstructor } from './transport/connect-websocket.js';
import type { TlsOptions } from './transport/connector.js';
import type { PoolConnection } from './transport/pool-connection.js';
import type { PoolOptions } from './transport/pool-types.js';
import { rankAddresses } from './transport/rank-addresses.js';
import type { NodeAddress, Protocol } from './types.js';

/** Balancing strategies; see `router/balancers.ts`. */
export type BalancerName = 'p2c' | 'round-robin' | 'least-outstanding';

/** Retry options of the router (`retryBackoff` with the reference client's defaults). */
export interface RetryOptions {
  /** @defaultValue 3 */
  readonly maxRetries?: number;
  /** @defaultValue 100 */
  readonly initialBackoffMs?: number;
  /** @defaultValue 5000 */
  readonly maxBackoffMs?: number;
  /** @defaultValue 2 */
  readonly backoffMultiplier?: number;
  /** @defaultValue 'none' (the reference client's exact delays) */
  readonly jitter?: JitterMode;
  /** A retry budget shared by all requests (Finagle's 20 % + 10/s), or false for none. @defaultValue {} */
  readonly budget?: Omit<RetryBudgetOptions, 'now'> | false;
}

/** The configuration of `createRouter`. Only `hosts` is required. */
export interface RouterConfig {
  /**
   * One entry per node (node ids are 1-based positions): `host:port` (port defaults to 7000), optionally with
   * `tcp://`, `tls://`, `ws://` or `wss://` (WebSocket URLs may carry a path). An entry may be a list of
   * addresses of one node: the router uses the best protocol both sides support (TLS > TCP > WebSocket) and
   * falls back to the next when a connect fails.
   */
  readonly hosts: readonly (string | readonly string[])[];
  /** Connect timeout and the default bound on a whole request, retries included. @defaultValue 5000 */
  readonly timeoutMs?: number;
  readonly pool?: PoolOptions;
  readonly retry?: RetryOptions;
  readonly health?: Partial<HealthPolicy>;
  /** @defaultValue 'p2c' */
  readonly balancer?: BalancerName;
  /** A node back from `down` gets a share of traffic rising from 10 % to 100 % over this long. @defaultValue 10000 */
  readonly slowStartMs?: number;
  /** Options for `tls://` hosts (CA, client certificate …). */
  readonly tls?: TlsOptions;
  /** @defaultValue 1048576 */
  readonly maxMessageBytes?: number;
  /** LZ4-compress messages above this size. @defaultValue Infinity (off) */
  readonly compressAboveBytes?: number;
  /** Time source (inject a TestScheduler in tests). @defaultValue asyncScheduler */
  readonly scheduler?: SchedulerLike;
  /** Uniform random in [0, 1) for balancing and jitter. @defaultValue Math.random */
  readonly random?: () => number;
  /** The WebSocket constructor for `ws://` hosts. @defaultValue globalThis.WebSocket, else the `ws` package */
  readonly WebSocket?: WebSocketConstructor;
  /** Replaces the TCP/TLS connector (e.g. `memoryConnector` in tests and benchmarks). */
  readonly connect?: (address: NodeAddress, signal: AbortSignal) => Promise<PoolConnection>;
}

const topKeys = [
  'hosts',
  'timeoutMs',
  'pool',
  'retry',
  'health',
  'balancer',
  'slowStartMs',
  'tls',
  'maxMessageBytes',
  'compressAboveBytes',
  'scheduler',
  'random',
  'connect',
  'WebSocket',
];
const poolKeys = [
  'minConnections',
  'maxConnections',
  'maxInFlightPerConnection',
  'idleTimeoutMs',
  'maxLifetimeMs',
  'maxConnecting',
  'acquireTimeoutMs',
];
const retryKeys = ['maxRetries', 'initialBackoffMs', 'maxBackoffMs', 'backoffMultiplier', 'jitter', 'budget'];
const healthKeys = ['intervalMs', 'timeoutMs', 'fall', 'rise', 'passiveFall', 'maxIntervalMs'];
const hostPattern =
  /^(?:(tcp|tls|ws|wss):\/\/)?(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::(\d+))?(\/[^\s?#]*)?$/;

/**
 * Validates a whole configuration before anything connects: the first bad value throws a {@link ConfigError}
 * naming its field (`hosts[2]`, `pool.maxConnections` …) and the value. Returns the parsed node addresses.
 */
export function validateConfig(config: unknown): { config: RouterConfig; addresses: NodeAddress[] } {
  if (typeof config !== 'object' || config === null) throw new ConfigError('config', config, 'an object');
  const c = config as Record<string, unknown>;
  knownKeys(c, topKeys, '');
  if (!Array.isArray(c.hosts) || c.hosts.length === 0)
    throw new ConfigError('hosts', c.hosts, 'a non-empty array');
  const seen = new Map<string, string>();
  const addresses = c.hosts.map((entry: unknown, i: number) => {
    const list = Array.isArray(entry) ? entry : [entry];
    if (list.length === 0)
      throw new ConfigError(`hosts[${i}]`, entry, 'an address or a non-empty list of addresses');
    const parsed = list.map((host, j) => {
      const field = Array.isArray(entry) ? `hosts[${i}][${j}]` : `hosts[${i}]`;
      const address = parseHost(host, i, field);
      const key = `${address.host}:${address.port}`;
      if (seen.has(key)) throw new ConfigError(field, host, `no duplicate (same as ${seen.get(key)})`);
      seen.set(key, field);
      return address;
    });
    const ranked = rankAddresses(parsed);
    if (ranked.length === 0) {
      throw new ConfigError(
        `hosts[${i}]`,
        entry,
        'an address with a protocol this runtime supports (ws:// or wss:// in a browser)',
      );
    }
    const best = ranked[0]!;
    return { ...best, alternatives: ranked };
  });
  positive(c, 'timeoutMs', '');
  positive(c, 'slowStartMs', '', true);
  positive(c, 'maxMessageBytes', '');
  positive(c, 'compressAboveBytes', '', true);
  if (
    c.balancer !== undefined &&
    !['p2c', 'round-robin', 'least-outstanding'].includes(c.balancer as string)
  ) {
    throw new ConfigError('balancer', c.balancer, "'p2c', 'round-robin' or 'least-outstanding'");
  }
  for (const key of ['random', 'connect', 'WebSocket'] as const) {
    if (c[key] !== undefined && typeof c[key] !== 'function')
      throw new ConfigError(key, c[key], 'a function');
  }
  const pool = section(c, 'pool', poolKeys);
  for (const k of ['minConnections'] as const) whole(pool, k, 'pool.', 0);
  for (const k of ['maxConnections', 'maxInFlightPerConnection', 'maxConnecting'] as const)
    whole(pool, k, 'pool.', 1);
  for (const k of ['idleTimeoutMs', 'maxLifetimeMs', 'acquireTimeoutMs'] as const) positive(pool, k, 'pool.');
  if (
    (pool.minConnections as number | undefined) !== undefined &&
    (pool.minConnections as number) > ((pool.maxConnections as number | undefined) ?? 4)
  ) {
    throw new ConfigError(
      'pool.minConnections',
      pool.minConnections,
      `at most pool.maxConnections (${(pool.maxConnections as number | undefined) ?? 4})`,
    );
  }
  const retry = section(c, 'retry', retryKeys);
  whole(retry, 'maxRetries', 'retry.', 0);
  positive(retry, 'initialBackoffMs', 'retry.', true);
  positive(retry, 'maxBackoffMs', 'retry.', true);
  if (
    retry.backoffMultiplier !== undefined &&
    !(typeof retry.backoffMultiplier === 'number' && retry.backoffMultiplier >= 1)
  ) {
    throw new ConfigError('retry.backoffMultiplier', retry.backoffMultiplier, 'a number >= 1');
  }
  if (
    retry.jitter !== undefined &&
    !['none', 'full', 'equal', 'decorrelated'].includes(retry.jitter as string)
  ) {
    throw new ConfigError('retry.jitter', retry.jitter, "'none', 'full', 'equal' or 'decorrelated'");
  }
  if (
    (retry.maxBackoffMs as number | undefined) !== undefined &&
    (retry.maxBackoffMs as number) < ((retry.initialBackoffMs as number | undefined) ?? 100)
  ) {
    throw new ConfigError('retry.maxBackoffMs', retry.maxBackoffMs, 'at least retry.initialBackoffMs');
  }
  const health = section(c, 'health', healthKeys);
  for (const k of ['intervalMs', 'timeoutMs', 'maxIntervalMs'] as const) positive(health, k, 'health.');
  for (const k of ['fall', 'rise', 'passiveFall'] as const) whole(health, k, 'health.', 1);
  return { config: c as unknown as RouterConfig, addresses };
}

function parseHost(value: unknown, index: number, field: string): NodeAddress {
  if (typeof value !== 'string') throw new ConfigError(field, value, "a string like '127.0.0.1:7000'");
  const match = hostPattern.exec(value.trim());
  if (!match)
    throw new ConfigError(
      field,
      value,
      "'host:port' with an optional tcp://, tls://, ws:// or wss:// scheme",
    );
  const protocol = (match[1] ?? 'tcp') as Protocol;
  const host = match[2]!.replace(/^\[|\]$/g, '');
  const port = match[3] === undefined ? 7000 : Number(match[3]);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new ConfigError(field, value, 'a port from 1 to 65535');
  const isWs = protocol === 'ws' || protocol === 'wss';
  if (match[4] !== undefined && !isWs)
    throw new ConfigError(field, value, 'no path: only ws:// and wss:// addresses take one');
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const path = isWs ? (match[4] ?? '/') : undefined;
  const label = `${protocol === 'tcp' ? '' : `${protocol}://`}${hostPart}:${port}${isWs && path !== '/' ? path : ''}`;
  return { id: index + 1, host, port, protocol, label, ...(path ? { path } : {}), alternatives: [] };
}

function section(c: Record<string, unknown>, key: string, keys: string[]): Record<string, unknown> {
  const value = c[key];
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null) throw new ConfigError(key, value, 'an object');
  knownKeys(value as Record<string, unknown>, key === 'retry' ? keys : keys, `${key}.`);
  return value as Record<string, unknown>;
}

function knownKeys(o: Record<string, unknown>, keys: string[], prefix: string): void {
  for (const k of Object.keys(o)) {
    if (!keys.includes(k))
      throw new ConfigError(`${prefix}${k}`, o[k], `a known option (${keys.join(', ')})`);
  }
}

function positive(o: Record<string, unknown>, key: string, prefix: string, zeroOk = false): void {
  const v = o[key];
  if (v === undefined) return;
  const ok = typeof v === 'number' && !Number.isNaN(v) && (zeroOk ? v >= 0 : v > 0);
  if (!ok) throw new ConfigError(`${prefix}${key}`, v, zeroOk ? 'a number >= 0' : 'a number > 0');
}

function whole(o: Record<string, unknown>, key: string, prefix: string, min: number): void {
  const v = o[key];
  if (v === undefined) return;
  if (!Number.isSafeInteger(v) || (v as number) < min)
    throw new ConfigError(`${prefix}${key}`, v, `a whole number >= ${min}`);
}
