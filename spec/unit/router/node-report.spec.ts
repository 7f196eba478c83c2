import { describe, expect, it } from 'vitest';
import { RouterError } from '../../../lib/errors.js';
import { nodeReports } from '../../../lib/router/node-report.js';
import type { ClusterHealth, NodeHealth } from '../../../lib/types.js';

const health = (id: number, status: string, reason: string, manual = false) =>
  ({ nodeId: id, status, reason, manual }) as unknown as NodeHealth;

describe('nodeReports', () => {
  it("takes status and reason from the snapshot, the address from the router, the code and message from the node's last error", () => {
    const snapshot = {
      nodes: new Map([
        [1, health(1, 'down', 'connect')],
        [2, health(2, 'down', 'manual', true)],
      ]),
    } as unknown as ClusterHealth;
    const errors = new Map([
      [1, { error: new RouterError('ERR_CONNECT_REFUSED', 'a:1 refused the connection'), at: 3 }],
    ]);
    const reports = nodeReports(
      [1, 2, 3],
      snapshot,
      (id) => `h${id}:1`,
      (id) => errors.get(id),
    );
    expect(reports).toEqual([
      {
        nodeId: 1,
        address: 'h1:1',
        status: 'down',
        reason: 'connect',
        manual: false,
        code: 'ERR_CONNECT_REFUSED',
        message: 'a:1 refused the connection',
      },
      {
        nodeId: 2,
        address: 'h2:1',
        status: 'down',
        reason: 'manual',
        manual: true,
        code: null,
        message: null,
      },
      { nodeId: 3, address: 'h3:1', status: null, reason: null, manual: false, code: null, message: null },
    ]);
    // plain data: logs as it reads
    expect(JSON.parse(JSON.stringify(reports))).toEqual(reports);
  });

  it('an error that is not a RouterError still reads (ERR_UNKNOWN and its text)', () => {
    const [r] = nodeReports(
      [1],
      undefined,
      () => 'x:1',
      () => ({ error: 'socket hang up', at: 0 }),
    );
    expect(r).toMatchObject({ code: 'ERR_UNKNOWN', message: 'socket hang up' });
  });
});
