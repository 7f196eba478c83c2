import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { NodeReport } from '../../../lib/errors.js';
import { describeNoNode } from '../../../lib/router/describe-no-node.js';

const refused = (nodeId: number): NodeReport => ({
  nodeId,
  address: `127.0.0.1:${6999 + nodeId}`,
  status: 'down',
  reason: 'connect',
  manual: false,
  code: 'ERR_CONNECT_REFUSED',
  message: `127.0.0.1:${6999 + nodeId} refused the connection`,
});

describe('describeNoNode', () => {
  it('every node refused: "no node reachable", each address, and what to do on the first line', () => {
    const message = describeNoNode([refused(1), refused(2), refused(3)], 5001.4);
    const [first, ...rest] = message.split('\n');
    expect(first).toBe(
      'no node reachable within 5001 ms: 127.0.0.1:7000 refused (ERR_CONNECT_REFUSED), ' +
        '127.0.0.1:7001 refused (ERR_CONNECT_REFUSED), 127.0.0.1:7002 refused (ERR_CONNECT_REFUSED) — ' +
        'is the cluster running? (`npx qdb-router cluster` starts a local one)',
    );
    expect(rest).toEqual([
      '  node 1 127.0.0.1:7000: down (connect), last error ERR_CONNECT_REFUSED: 127.0.0.1:7000 refused the connection',
      '  node 2 127.0.0.1:7001: down (connect), last error ERR_CONNECT_REFUSED: 127.0.0.1:7001 refused the connection',
      '  node 3 127.0.0.1:7002: down (connect), last error ERR_CONNECT_REFUSED: 127.0.0.1:7002 refused the connection',
    ]);
  });

  it('connect timeouts: asks about hosts and the network, not only whether the cluster runs', () => {
    const r = { ...refused(1), code: 'ERR_CONNECT_TIMEOUT', message: 'connect timed out' };
    expect(describeNoNode([r], 5000).split('\n')[0]).toBe(
      'no node reachable within 5000 ms: 127.0.0.1:7000 connect timed out (ERR_CONNECT_TIMEOUT) — ' +
        'is the cluster running, and are `hosts` right and reachable from here (firewall, DNS)?',
    );
  });

  it('held out by markNodeUnhealthy: says so and names markNodeHealthy', () => {
    const r: NodeReport = { ...refused(2), manual: true, code: null, message: null, reason: 'manual' };
    const message = describeNoNode([r], 100);
    expect(message.split('\n')[0]).toBe(
      'every node is held out within 100 ms: 127.0.0.1:7001 marked unhealthy — call markNodeHealthy(id) to let one back in',
    );
    expect(message).toContain('node 2 127.0.0.1:7001: down (manual), no error seen');
  });

  it('nodes not contacted yet and no error: the first contact is still pending', () => {
    const r: NodeReport = { ...refused(1), status: 'joining', reason: 'initial', code: null, message: null };
    expect(describeNoNode([r, { ...r, nodeId: 2, address: 'b:1' }], 20).split('\n')[0]).toBe(
      'no node answered yet within 20 ms: 127.0.0.1:7000 not contacted yet, b:1 not contacted yet — ' +
        'connects are still pending: is the cluster running, and is `timeoutMs` long enough for a first contact?',
    );
  });

  it('mixed causes: down nodes, a silent one; more than three nodes are counted on the first line', () => {
    const silent: NodeReport = {
      ...refused(4),
      code: 'ERR_REQUEST_TIMEOUT',
      reason: 'probe',
      message: 'no pong',
    };
    const message = describeNoNode([refused(1), refused(2), refused(3), silent, refused(5)], 900);
    const [first, ...rest] = message.split('\n');
    expect(first).toMatch(
      /^no eligible node within 900 ms: .*127\.0\.0\.1:7002 refused \(ERR_CONNECT_REFUSED\), 2 more — /,
    );
    expect(rest).toHaveLength(5);
    expect(rest[3]).toBe('  node 4 127.0.0.1:7003: down (probe), last error ERR_REQUEST_TIMEOUT: no pong');
  });

  it('30 nodes: 20 node lines, then how many more (err.nodes has every one)', () => {
    const lines = describeNoNode(
      Array.from({ length: 30 }, (_, i) => refused(i + 1)),
      10,
    ).split('\n');
    expect(lines).toHaveLength(1 + 20 + 1);
    expect(lines[20]).toContain('node 20 ');
    expect(lines[21]).toBe('  … and 10 more nodes (err.nodes lists every one)');
  });

  it('no node at all: says to check hosts', () => {
    expect(describeNoNode([], 10)).toBe(
      'no node to send to within 10 ms — the router has no nodes: check `hosts`',
    );
  });

  const report = fc.record({
    nodeId: fc.integer({ min: 1, max: 1000 }),
    address: fc.stringMatching(/^[a-z0-9.]{1,12}:[0-9]{1,5}$/),
    status: fc.constantFrom(null, 'joining', 'up', 'suspect', 'down', 'probation', 'draining', 'unusable'),
    reason: fc.constantFrom(null, 'initial', 'connect', 'probe', 'passive', 'manual', 'auth'),
    manual: fc.boolean(),
    code: fc.constantFrom(
      null,
      'ERR_CONNECT_REFUSED',
      'ERR_CONNECT_TIMEOUT',
      'ERR_TLS',
      'ERR_REQUEST_TIMEOUT',
      'X',
    ),
    message: fc.constantFrom(null, 'boom', 'refused'),
  });

  test.prop([fc.array(report, { maxLength: 20 }), fc.double({ min: 0, max: 1e7, noNaN: true })])(
    'one line per node with its id, address and code; the first line always ends with what to do',
    (reports, waited) => {
      const [first, ...rest] = describeNoNode(reports, waited).split('\n');
      expect(first).toContain(` — `);
      expect(first).toContain(`within ${Math.round(waited)} ms`);
      expect(rest).toHaveLength(reports.length);
      reports.forEach((r, i) => {
        expect(rest[i]).toContain(`node ${r.nodeId} ${r.address}: `);
        if (r.code !== null) expect(rest[i]).toContain(`last error ${r.code}: `);
        if (i < 3) expect(first).toContain(r.address);
      });
    },
  );
});
