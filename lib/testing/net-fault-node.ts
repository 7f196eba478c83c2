/**
 * @internal The process `NetFault` runs inside its network namespace: a TestServer on the namespace's loopback
 * and, in front of it, a {@link DelayProxy} on the namespace's veth address (what the router dials). Prints
 * `READY <proxy host:port> <server port>`; reads commands on stdin, one per line: `latency MS` (prints `OK`).
 * SIGUSR2 clears the node's fault; SIGTERM or the end of stdin stops it.
 *
 * Usage: `node net-fault-node.js LISTEN_HOST LISTEN_PORT NODE_ID`
 */
import { createInterface } from 'node:readline';
import { DelayProxy } from './delay-proxy.js';
import { TestServer } from './test-server.js';

const [host = '127.0.0.1', port = '7000', nodeId = '1'] = process.argv.slice(2);
const server = await TestServer.start({ host: '127.0.0.1', nodeId: Number(nodeId) });
const proxy = await DelayProxy.start({ host, port: Number(port), target: server.address });
process.on('SIGUSR2', () => server.clearFault());
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await proxy.close();
  await server.stop();
  process.exit(0);
};
process.once('SIGTERM', stop);
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const [command, arg] = line.trim().split(/\s+/);
  if (command === 'latency' && Number.isSafeInteger(Number(arg)) && Number(arg) >= 0) {
    proxy.delayMs = Number(arg);
    console.log('OK');
  } else console.log(`ERROR unknown command ${JSON.stringify(line)}`);
});
lines.on('close', stop);
console.log(`READY ${proxy.address} ${server.port}`);
