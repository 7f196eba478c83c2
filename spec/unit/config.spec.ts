import { describe, expect, it } from 'vitest';
import { ConfigError, ErrorCode } from '../../lib/errors.js';
import { validateConfig } from '../../lib/router/validate-config.js';

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
  ])('rejects %j with a ConfigError naming %s', (config, field) => {
    expect(() => validateConfig(config)).toThrowError(ConfigError);
    expect(() => validateConfig(config)).toThrowError(
      expect.objectContaining({ field, code: ErrorCode.Config }),
    );
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
