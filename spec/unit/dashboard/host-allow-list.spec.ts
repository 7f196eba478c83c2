import { describe, expect, it } from 'vitest';
import { hostAllowList } from '../../../lib/dashboard/host-allow-list.js';

describe('hostAllowList', () => {
  it('has the loopback names with the port, and extra names lower-cased (IPv6 in brackets)', () => {
    const allowed = hostAllowList(8080, ['Dash.Example', '::1', '10.0.0.5']);
    expect([...allowed].sort()).toEqual(
      ['127.0.0.1:8080', 'localhost:8080', '[::1]:8080', 'dash.example:8080', '10.0.0.5:8080'].sort(),
    );
    expect(allowed.has('127.0.0.1:8081')).toBe(false);
    expect(allowed.has('127.0.0.1')).toBe(false);
    expect(allowed.has('evil.example:8080')).toBe(false);
  });
});
