import { parseArgs } from 'node:util';
import { ProcessCluster } from '../testing/process-cluster.js';
import { parentPidVariable } from './exit-with-parent.js';
import { parsePorts } from './parse-ports.js';

export const clusterUsage = `qdb-router cluster [--ports 7000,7001,7002]
  Runs a local cluster of test nodes, each in its own OS process, until Ctrl-C; prints each node's address and pid.
  Faults: kill -KILL PID (crash), kill -STOP / -CONT PID (hang / resume), or Admin messages (docs/testing.md).`;

/** `qdb-router cluster`: a ProcessCluster in the foreground. */
export async function clusterCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { ports: { type: 'string', default: '7000,7001,7002' } } });
  const ports = parsePorts(values.ports);
  console.log(`starting ${ports.length} nodes …`);
  // the nodes end with this process however it is stopped (they watch its pid)
  process.env[parentPidVariable] = String(process.pid);
  let cluster: ProcessCluster;
  try {
    cluster = await ProcessCluster.start(ports);
  } catch (err) {
    console.error(`error: ${(err as Error).message}`);
    return 1;
  }
  for (const node of cluster.nodes) console.log(`node ${node.nodeId}  ${node.address}  pid ${node.pid}`);
  console.log('cluster ready; Ctrl-C stops every node');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  console.log('stopping …');
  await cluster.stop();
  console.log('stopped');
  return 0;
}
