import { describe, expect, it } from 'vitest';
import { nodeListMembers } from '../../../lib/router/node-list-members.js';
import type { ClusterNodeInfo } from '../../../lib/wire/admin-types.js';

const node = (patch: Partial<ClusterNodeInfo>): ClusterNodeInfo => ({
  nodeId: 1,
  hostname: 'db-1.example',
  port: 7000,
  status: 'Healthy',
  role: 'Primary',
  ...patch,
});

describe('nodeListMembers', () => {
  it('turns a valid list into addresses of the answering node protocol, keeping server ids exact', () => {
    const wanted = nodeListMembers(
      [node({}), node({ nodeId: 2n ** 64n - 1n, hostname: '::1', port: 65535 })],
      'tls',
    );
    expect(typeof wanted).not.toBe('string');
    const list = wanted as Exclude<typeof wanted, string>;
    expect(list.map((w) => w.address.label)).toEqual(['tls://db-1.example:7000', 'tls://[::1]:65535']);
    expect(list[1]!.serverId).toBe(2n ** 64n - 1n);
  });

  it('refuses the whole list on any bad field, naming it ("__proto__" is no host name either)', () => {
    expect(nodeListMembers([node({ port: 0 })], 'tcp')).toMatch(/NodeList\[0\]\.port 0 is out of range/);
    expect(nodeListMembers([node({ nodeId: 0 })], 'tcp')).toMatch(/node_id 0 is out of range/);
    for (const hostname of [
      '',
      '__proto__',
      'a b',
      'x/y',
      'tcp://h',
      'h:1:2:3:4:5:6:7:8:9:a:b:c:d:e:f:0:1:2:3:4',
      'é.example',
      `${'a'.repeat(254)}`,
    ]) {
      const result = nodeListMembers([node({}), node({ nodeId: 2, hostname })], 'tcp');
      expect(result, hostname).toMatch(/NodeList\[1\]\.hostname/);
    }
  });
});
