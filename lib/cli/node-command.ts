import { parseArgs } from 'node:util';
import { TestServer } from '../testing/test-server.js';
import { parseFault } from './parse-fault.js';
import { UsageError } from './usage-error.js';

export const nodeUsage = `qdb-router node --port PORT [--node-id N] [--host HOST] [--fault KIND [fault options]]
  Runs one test node (TestServer) in this process until SIGINT/SIGTERM. Prints "READY host:port pid=PID".
  --fault KIND          start with a fault: gray, wrong-type, bad-error-json, garbage, bad-checksum,
                        wrong-sequence, duplicate-reply, huge-length, slowloris, never-read,
                        close-on-accept, reset-mid-reply (docs/testing.md, "Fault catalogue")
  --fault-rate R        fraction of requests (connections, for never-read/close-on-accept) hit, 0..1 (1)
  --fault-target T      data (Data replies only) or all (data)
  --bytes-per-write N   slowloris: bytes per write (1)
  --interval-ms MS      slowloris: pause between writes (50)
  --fault-duration-ms MS  the fault clears itself after MS
  Faults from another process: SIGKILL (crash), SIGSTOP/SIGCONT (hang), Admin messages (setFault, clearFault,
  failNext, setLatency, stats, executions …; see docs/testing.md); SIGUSR2 clears the fault (it prints "FAULT CLEARED").`;

/** `qdb-router node`: one TestServer in the foreground. */
export async function nodeCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      'node-id': { type: 'string' },
      host: { type: 'string' },
      fault: { type: 'string' },
      'fault-rate': { type: 'string' },
      'fault-target': { type: 'string' },
      'bytes-per-write': { type: 'string' },
      'interval-ms': { type: 'string' },
      'fault-duration-ms': { type: 'string' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port needs 0-65535, got ${values.port}`);
  const nodeId = values['node-id'] === undefined ? 1 : Number(values['node-id']);
  if (!Number.isInteger(nodeId) || nodeId < 1) throw new UsageError(`--node-id needs a whole number >= 1`);
  const { port: _p, 'node-id': _n, host, ...faultArgs } = values;
  const fault = parseFault(faultArgs);
  let server: TestServer;
  try {
    server = await TestServer.start({ port, nodeId, host, fault });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    console.error(code === 'EADDRINUSE' ? `error: port ${port} is already in use` : `error: ${String(err)}`);
    return 1;
  }
  // the line tells a supervisor (ProcessCluster.clearFault) that the fault is gone
  const clear = () => {
    server.clearFault();
    console.log('FAULT CLEARED');
  };
  process.on('SIGUSR2', clear);
  console.log(
    `READY ${server.address} pid=${process.pid} node=${nodeId}${fault ? ` fault=${fault.kind}` : ''}`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.off('SIGUSR2', clear);
  await server.stop();
  return 0;
}
