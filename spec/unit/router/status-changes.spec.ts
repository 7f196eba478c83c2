import { VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../lib/config.js';
import type { RouterError } from '../../../lib/errors.js';
import { Nodes } from '../../../lib/router/nodes.js';
import type { RouterEvent } from '../../../lib/router/router-event.js';
import { statusChanges } from '../../../lib/router/status-changes.js';
import { configError } from '../../../lib/router/validate-config.js';
import { nodeHealth } from '../../../lib/streams/node-health.js';
import { NodeMap } from '../../../lib/streams/node-map.js';
import { advanceTo } from '../../../lib/testing/advance-to.js';
import { memoryConnector } from '../../../lib/testing/memory-connector.js';
import type { ClusterHealth, HealthStatus, NodeAddress, NodeHealth } from '../../../lib/types.js';
import { MessageType } from '../../../lib/wire/message.js';

const settle = () => new Promise<void>((r) => setImmediate(r));
const address: NodeAddress = {
  id: 1,
  host: '10.0.0.1',
  port: 7000,
  protocol: 'tcp',
  label: '10.0.0.1:7000',
  alternatives: [],
};

/** Node 1 over the in-memory connector (it never answers), one request written on it, and statusChanges. */
async function setup() {
  const scheduler = new VirtualTimeScheduler();
  const memory = memoryConnector({ scheduler, respond: () => undefined });
  const config = resolveConfig(
    { hosts: ['x:1'], scheduler, pool: { minConnections: 0 }, connect: () => memory.connect(1) },
    configError,
  );
  const nodes = new Nodes([address], config, () => {});
  const events: RouterEvent[] = [];
  const onChange = statusChanges(nodes, (e) => events.push(e()));
  const outcome: string[] = [];
  nodes.send(1, MessageType.Data, new Uint8Array(1), 10_000, (err: RouterError | undefined) =>
    outcome.push(err?.code ?? 'ok'),
  );
  await settle();
  advanceTo(scheduler, 10);
  const snapshot = (at: number, status: HealthStatus, manual = false): ClusterHealth => {
    const node: NodeHealth = { ...nodeHealth.initial(1, address.label, 0), status, manual };
    const up = status === 'up' || status === 'suspect';
    return { at, nodes: NodeMap.of([node]), eligible: up ? [1] : [], panic: !up, changed: [1] };
  };
  return { scheduler, onChange, outcome, events, snapshot };
}

describe('statusChanges', () => {
  it('a node found down loses its connections: the request in flight on it fails over now, not at its deadline', async () => {
    const { onChange, outcome, events, snapshot } = await setup();
    onChange(snapshot(10, 'up'));
    expect(outcome).toEqual([]);
    onChange(snapshot(20, 'down'));
    expect(outcome).toHaveLength(1); // destroyed with its connection (nodes.clear), long before 10 000 ms
    expect(outcome[0]).not.toBe('ok');
    expect(events.map((e) => e.type === 'nodeStatusChanged' && `${e.previous}→${e.status}`)).toEqual([
      'joining→up',
      'up→down',
    ]);
  });

  it('a node held out by hand keeps its connections: what is in flight there finishes', async () => {
    const { scheduler, onChange, outcome, snapshot } = await setup();
    onChange(snapshot(10, 'up'));
    onChange(snapshot(20, 'down', true));
    advanceTo(scheduler, 5000);
    expect(outcome).toEqual([]);
  });
});
