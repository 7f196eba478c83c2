import { beforeAll, describe, it } from 'vitest';
import { NetFault } from '../../../lib/testing/net-fault.js';
import { sendAdminCommand } from '../../../lib/testing/send-admin-command.js';
import { adversarialRun, type FaultyNode } from './adversarial-run.js';

// Real network faults between the router and node 3 (NetFault: its own namespace, iptables, a delaying proxy).
// Needs root, iproute2 and iptables: without them this fails with one line saying what is missing.
beforeAll(async () => {
  const missing = await NetFault.missing();
  if (missing) throw new Error(missing);
});

const netNode = (inject: (f: NetFault) => Promise<void>) => async (): Promise<FaultyNode> => {
  const f = await NetFault.start({ nodeId: 3 });
  return {
    address: f.address,
    inject: () => inject(f),
    clear: () => f.clear(),
    executions: async (ids) =>
      ((await sendAdminCommand(f.address, { command: 'executions', ids }, 5000)) as { executions: number[] })
        .executions,
    stop: () => f.stop(),
  };
};

describe('adversarial: the network to node 3 fails', () => {
  it('black hole (every packet dropped, no reset)', async () => {
    await adversarialRun(netNode((f) => f.blackhole()));
  });

  it('random loss of 30 % of packets', async () => {
    await adversarialRun(netNode((f) => f.loss(0.3)));
  });

  it('400 ms of added latency each way', async () => {
    await adversarialRun(netNode((f) => f.latency(400)));
  });
});
