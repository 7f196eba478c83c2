import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors.js';
import { resolveMembership } from '../../lib/resolve-membership.js';

const invalid = (field: string, value: unknown, expected: string) => new ConfigError(field, value, expected);

describe('resolveMembership', () => {
  it('hosts as an array is parsed now; as an Observable it is kept for later; discovery and joinSpreadMs get defaults', () => {
    const fixed = resolveMembership({ hosts: ['127.0.0.1:7000'] }, invalid);
    expect(fixed.hosts).toHaveLength(1);
    expect(fixed.hosts$).toBeUndefined();
    expect(fixed.discovery).toBe(false);
    expect(fixed.joinSpreadMs).toBe(250);
    const hosts$ = new Subject<string[]>();
    const live = resolveMembership({ hosts: hosts$, discovery: { source: 'admin' } }, invalid);
    expect(live.hosts).toEqual([]);
    expect(live.hosts$).toBe(hosts$);
    expect(live.discovery).toEqual({ intervalMs: 60_000, retryIntervalMs: 1000 });
  });

  it('a bad value is a ConfigError naming its field', () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ hosts: [] }, 'hosts'],
      [{ hosts: 'h:1' }, 'hosts'],
      [{ hosts: ['h:1'], discovery: { source: 'dns' } }, 'discovery.source'],
      [{ hosts: ['h:1'], discovery: { source: 'admin', intervalMs: 0 } }, 'discovery.intervalMs'],
      [{ hosts: ['h:1'], discovery: { source: 'admin', every: 1 } }, 'discovery.every'],
      [{ hosts: ['h:1'], discovery: 'admin' }, 'discovery'],
      [{ hosts: ['h:1'], joinSpreadMs: -1 }, 'joinSpreadMs'],
    ];
    for (const [config, field] of bad) {
      expect(() => resolveMembership(config, invalid), field).toThrowError(
        expect.objectContaining({ code: 'ERR_CONFIG', message: expect.stringContaining(field) }),
      );
    }
  });
});
