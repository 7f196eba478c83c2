import { describe, expect, it } from 'vitest';
import { RouterError } from '../../../lib/errors.js';
import { NodeErrors } from '../../../lib/router/node-errors.js';
import type { ClusterHealth, NodeHealth } from '../../../lib/types.js';

const nodes = [2, 1].map((id) => ({ id, address: { label: `10.0.0.${id}:7000` } }));

describe('NodeErrors', () => {
  it("keeps each node's last error and the latest of all", () => {
    const errors = new NodeErrors(nodes, () => undefined);
    expect(errors.latest()).toBeUndefined();
    errors.record(1, 'a', 5);
    errors.record(2, 'b', 7);
    errors.record(1, 'c', 6);
    expect(errors.get(1)).toEqual({ error: 'c', at: 6 });
    expect(errors.get(2)).toEqual({ error: 'b', at: 7 });
    expect(errors.latest()).toBe('b');
    errors.delete(2);
    expect(errors.get(2)).toBeUndefined();
  });

  it('detail(): every node in id order, status from the latest snapshot, its address, its last error', () => {
    let health: ClusterHealth | undefined;
    const errors = new NodeErrors(nodes, () => health);
    const refused = new RouterError('ERR_CONNECT_REFUSED', '10.0.0.2:7000 refused the connection');
    errors.record(2, refused, 3);
    expect(errors.detail()).toEqual({
      nodes: [
        {
          nodeId: 1,
          address: '10.0.0.1:7000',
          status: null,
          reason: null,
          manual: false,
          code: null,
          message: null,
        },
        {
          nodeId: 2,
          address: '10.0.0.2:7000',
          status: null,
          reason: null,
          manual: false,
          code: 'ERR_CONNECT_REFUSED',
          message: '10.0.0.2:7000 refused the connection',
        },
      ],
      latestNodeError: refused,
    });
    const node = (nodeId: number, status: string) =>
      ({
        nodeId,
        status,
        reason: 'connect',
        manual: false,
        address: `h${nodeId}:1`,
      }) as unknown as NodeHealth;
    health = {
      nodes: new Map([
        [1, node(1, 'joining')],
        [2, node(2, 'down')],
      ]),
    } as unknown as ClusterHealth;
    expect(errors.detail().nodes!.map((n) => [n.address, n.status])).toEqual([
      ['h1:1', 'joining'],
      ['h2:1', 'down'],
    ]);
  });
});
