import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../lib/config.js';
import { ErrorCode, RouterError } from '../../../lib/errors.js';
import { Nodes } from '../../../lib/router/nodes.js';
import { configError } from '../../../lib/router/validate-config.js';
import { advanceTo } from '../../../lib/testing/advance-to.js';
import { memoryConnector } from '../../../lib/testing/memory-connector.js';
import type { NodeAddress } from '../../../lib/types.js';
import { MessageType } from '../../../lib/wire/message.js';

const settle = () => new Promise<void>((r) => setImmediate(r));
const address = (id: number): NodeAddress => ({
  id,
  host: `10.0.0.${id}`,
  port: 7000,
  protocol: 'tcp',
  label: `10.0.0.${id}:7000`,
  alternatives: [],
});

function setup(ids: number[], pool = {}) {
  const scheduler = new VirtualTimeScheduler();
  const memory = memoryConnector({ scheduler, latencyMs: (id) => id * 10 });
  const connectedTo: number[] = [];
  const config = resolveConfig(
    {
      hosts: ['x:1'],
      scheduler,
      pool: { minConnections: 0, ...pool },
      connect: (a: NodeAddress) => {
        connectedTo.push(a.id);
        return memory.connect(a.id);
      },
    },
    configError,
  );
  const events: string[] = [];
  const nodes = new Nodes(ids.map(address), config, (e) => events.push(`${e.type}:${e.nodeId}`));
  return { scheduler, nodes, connectedTo, events };
}

describe('Nodes', () => {
  it('is keyed by NodeId, not by position: ids 5 and 9 are two nodes, each with its own pool', async () => {
    const { scheduler, nodes, connectedTo } = setup([9, 5]);
    expect(nodes.size).toBe(2);
    expect(nodes.has(5)).toBe(true);
    expect(nodes.has(1)).toBe(false);
    expect(nodes.get(9)!.address.id).toBe(9);
    const replies: number[] = [];
    nodes.send(5, MessageType.Data, new Uint8Array([1]), 1000, (err, m) =>
      replies.push(err ? -1 : Number(m!.sender)),
    );
    await settle();
    advanceTo(scheduler, 100);
    expect(connectedTo).toEqual([5]);
    expect(replies).toEqual([5]);
    expect(nodes.stats().map((s) => s.nodeId)).toEqual([5, 9]);
  });

  it('evacuate fails the requests not yet written with the given error; a deadline bounds the wait', async () => {
    const { scheduler, nodes } = setup([1], { maxConnections: 1, maxInFlightPerConnection: 1 });
    const out: string[] = [];
    const done = (name: string) => (err: RouterError | undefined) => out.push(`${name}:${err?.code ?? 'ok'}`);
    nodes.send(1, MessageType.Data, new Uint8Array(1), 1000, done('a'));
    await settle();
    nodes.send(1, MessageType.Data, new Uint8Array(1), 1000, done('b')); // queued behind a
    nodes.send(1, MessageType.Data, new Uint8Array(1), 3, done('c'));
    nodes.evacuate(1, new RouterError(ErrorCode.NoEligibleNode, 'moved', { retryable: true }));
    expect(out).toEqual(['b:ERR_NO_ELIGIBLE_NODE', 'c:ERR_NO_ELIGIBLE_NODE']);
    advanceTo(scheduler, 50);
    await settle();
    advanceTo(scheduler, 100);
    expect(out).toContain('a:ok');
    const closed = nodes.close();
    for (let t = 200; t <= 10_000; t += 200) {
      advanceTo(scheduler, t);
      await settle();
    }
    await closed;
  });
});
