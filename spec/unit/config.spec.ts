import { describe, expect, it } from 'vitest';
import { configDefaults, maxTimeoutMs, resolveConfig } from '../../lib/config.js';
import { ConfigError, ErrorCode } from '../../lib/errors.js';
import { resolveRequestOptions } from '../../lib/router/resolve-request-options.js';
import { configError, validateConfig } from '../../lib/router/validate-config.js';

describe('validateConfig', () => {
  it.each([
    [{ hosts: [] }, 'hosts'],
    [{ hosts: ['127.0.0.1:99999'] }, 'hosts[0]'],
    [{ hosts: ['a:1', 'b:2', 'a:1'] }, 'hosts[2]'],
    [{ hosts: ['http://x:1'] }, 'hosts[0]'],
    [{ hosts: ['x'], timeoutMs: 0 }, 'timeoutMs'],
    [{ hosts: ['x'], pool: { minConnections: 5, maxConnections: 2 } }, 'pool.minConnections'],
    [{ hosts: ['x'], retry: { jitter: 'sometimes' } }, 'retry.jitter'],
    [{ hosts: ['x'], health: { fall: 0 } }, 'health.fall'],
    [{ hosts: ['x'], balancer: 'random' }, 'balancer'],
    [{ hosts: ['x'], timeoutMS: 5 }, 'timeoutMS'],
    // found by a hostile review: these were accepted silently
    [{ hosts: ['x'], retry: { budget: { foo: 1 } } }, 'retry.budget.foo'],
    [{ hosts: ['x'], retry: { budget: { percentCanRetry: -1 } } }, 'retry.budget.percentCanRetry'],
    [
      { hosts: ['x'], retry: { budget: { minRetriesPerSecond: Number.NaN } } },
      'retry.budget.minRetriesPerSecond',
    ],
    [{ hosts: ['x'], retry: { budget: { ttlMs: 500 } } }, 'retry.budget.ttlMs'],
    [{ hosts: ['x'], retry: { budget: { maxBalance: 100 } } }, 'retry.budget.maxBalance'],
    [{ hosts: ['x'], tls: 5 }, 'tls'],
    [{ hosts: ['x'], maxMessageBytes: 10 }, 'maxMessageBytes'],
    [{ hosts: ['x'], maxMessageBytes: 2 ** 40 }, 'maxMessageBytes'],
    [{ hosts: ['x'], health: { intervalMs: 10_000, maxIntervalMs: 100 } }, 'health.maxIntervalMs'],
  ])('rejects %j with a ConfigError naming %s', (config, field) => {
    expect(() => validateConfig(config)).toThrowError(ConfigError);
    expect(() => validateConfig(config)).toThrowError(
      expect.objectContaining({ field, code: ErrorCode.Config }),
    );
  });

  it('a config that cannot be read (a revoked Proxy, a throwing getter) is a typed ERR_CONFIG', () => {
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const throwing = Object.defineProperty({ hosts: ['x'] }, 'health', {
      get() {
        throw new Error('getter');
      },
      enumerable: true,
    });
    for (const config of [revoked.proxy, throwing])
      expect(() => validateConfig(config)).toThrowError(expect.objectContaining({ code: ErrorCode.Config }));
  });

  it('parses schemes, IPv6 and the default port', () => {
    const { addresses } = validateConfig({
      hosts: ['db1', 'tls://db2:7443', '[::1]:7001', 'tcp://10.0.0.1:7002'],
    });
    expect(addresses.map((a) => [a.id, a.protocol, a.host, a.port, a.label])).toEqual([
      [1, 'tcp', 'db1', 7000, 'db1:7000'],
      [2, 'tls', 'db2', 7443, 'tls://db2:7443'],
      [3, 'tcp', '::1', 7001, '[::1]:7001'],
      [4, 'tcp', '10.0.0.1', 7002, '10.0.0.1:7002'],
    ]);
  });

  it('names the bad value in the message', () => {
    expect(() => validateConfig({ hosts: ['ok:1'], pool: { maxConnections: -1 } })).toThrowError(
      'invalid config: pool.maxConnections = -1; expected a whole number >= 1',
    );
  });
});

describe('resolveConfig', () => {
  const bad = (field: string, value: unknown, expected: string) =>
    Object.assign(new Error(`${field} ${expected}`), { field, value });

  it('fills every default from the one table, frozen', () => {
    const c = resolveConfig({ hosts: ['a:1'] }, bad);
    expect(c.timeoutMs).toBe(configDefaults.timeoutMs);
    expect(c.pool).toMatchObject({ ...configDefaults.pool, acquireTimeoutMs: 5000 });
    expect(c.retry).toMatchObject({ ...configDefaults.retry, budget: {}, attemptTimeoutMs: undefined });
    expect(c.health).toEqual(configDefaults.health);
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.health)).toBe(true);
    expect(resolveConfig({ hosts: ['a:1'], timeoutMs: 700 }, bad).pool.acquireTimeoutMs).toBe(700);
  });

  it.each([
    ['timeoutMs', { timeoutMs: Number.POSITIVE_INFINITY }],
    ['timeoutMs', { timeoutMs: 1e12 }],
    ['timeoutMs', { timeoutMs: 2 ** 31 }],
    ['timeoutMs', { timeoutMs: Number.NaN }],
    ['timeoutMs', { timeoutMs: -1 }],
    ['retry.attemptTimeoutMs', { retry: { attemptTimeoutMs: 0 } }],
    ['health.intervalMs', { health: { intervalMs: Number.POSITIVE_INFINITY } }],
    ['health.ejectionMs', { health: { ejectionMs: 2 ** 40 } }],
    ['health.maxEjectionPercent', { health: { maxEjectionPercent: 101 } }],
    ['pool.idleTimeoutMs', { pool: { idleTimeoutMs: 1e13 } }],
    ['pool.maxBufferedBytesPerConnection', { pool: { maxBufferedBytesPerConnection: 0 } }],
    ['retry', { retry: [] }],
  ])('durations and new keys are validated: %s', (field, extra) => {
    expect(() => validateConfig({ hosts: ['a:1'], ...extra })).toThrowError(
      expect.objectContaining({ field, code: ErrorCode.Config }),
    );
  });

  it('accepts 2^31 − 1 ms exactly', () => {
    expect(resolveConfig({ hosts: ['a:1'], timeoutMs: maxTimeoutMs }, bad).timeoutMs).toBe(2 ** 31 - 1);
  });
});

describe('resolveRequestOptions', () => {
  it('defaults and validation (null, arrays, bad timeouts, types) name the field', () => {
    expect(resolveRequestOptions(undefined, 900, configError)).toEqual({
      type: 2,
      timeoutMs: 900,
      idempotent: true,
    });
    expect(resolveRequestOptions({ timeoutMs: 5, idempotent: false, type: 10 }, 900, configError)).toEqual({
      type: 10,
      timeoutMs: 5,
      idempotent: false,
    });
    for (const [options, field] of [
      [null, 'options'],
      [[], 'options'],
      [{ timeoutMs: 0 }, 'options.timeoutMs'],
      [{ timeoutMs: Number.POSITIVE_INFINITY }, 'options.timeoutMs'],
      [{ type: 99 }, 'options.type'],
      [{ idempotent: 'yes' }, 'options.idempotent'],
      [{ timeout: 5 }, 'options.timeout'],
    ] as const) {
      expect(() => resolveRequestOptions(options, 900, configError)).toThrowError(
        expect.objectContaining({ field, code: ErrorCode.Config }),
      );
    }
  });
});
