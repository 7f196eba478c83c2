import { parseArgs } from 'node:util';
import type { AuthOptions } from '../testing/auth-gate.js';
import { TestServer } from '../testing/test-server.js';
import type { ClusterNodeInfo } from '../wire/admin-types.js';
import { parseFault } from './parse-fault.js';
import { UsageError } from './usage-error.js';

export const nodeUsage = `qdb-router node --port PORT [--node-id N] [--host HOST] [--fault KIND [fault options]]
  Runs one test node (TestServer) in this process until SIGINT/SIGTERM. Prints "READY host:port pid=PID".
  --auth-token TOKEN    require a handshake with this token first (TestServer auth; docs/testing.md); or set
                        QDB_ROUTER_AUTH_TOKEN, which keeps the token out of the process list
  --auth-ttl-ms MS      an authenticated session ends after MS (requests then get ERR_AUTH_EXPIRED)
  --peers H:P,H:P,…     the cluster's members, answered to ListNodes (node ids 1..n in this order; the
                        reference client's admin request; what \`watch --discover\` reads). Default: this node
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
      'auth-token': { type: 'string' },
      'auth-ttl-ms': { type: 'string' },
      peers: { type: 'string' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port needs 0-65535, got ${values.port}`);
  const nodeId = values['node-id'] === undefined ? 1 : Number(values['node-id']);
  if (!Number.isInteger(nodeId) || nodeId < 1) throw new UsageError(`--node-id needs a whole number >= 1`);
  const { port: _p, 'node-id': _n, host, 'auth-token': _t, 'auth-ttl-ms': _a, peers, ...faultArgs } = values;
  const listNodes = peers === undefined ? undefined : peerList(peers);
  const fault = parseFault(faultArgs);
  const auth = authOption(values['auth-token'] ?? process.env.QDB_ROUTER_AUTH_TOKEN, values['auth-ttl-ms']);
  let server: TestServer;
  try {
    server = await TestServer.start({ port, nodeId, host, fault, auth, listNodes });
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
    `READY ${server.address} pid=${process.pid} node=${nodeId}${fault ? ` fault=${fault.kind}` : ''}${auth ? ' auth=token' : ''}`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.off('SIGUSR2', clear);
  await server.stop();
  return 0;
}

/** The TestServer `auth` option from the flags (the token is never printed). */
function authOption(token: string | undefined, ttl: string | undefined): AuthOptions | undefined {
  if (ttl !== undefined && token === undefined)
    throw new UsageError('--auth-ttl-ms needs --auth-token (or QDB_ROUTER_AUTH_TOKEN)');
  if (token === undefined) return undefined;
  if (token === '') throw new UsageError('--auth-token needs a non-empty token');
  const ttlMs = ttl === undefined ? undefined : Number(ttl);
  if (ttlMs !== undefined && !(Number.isInteger(ttlMs) && ttlMs > 0))
    throw new UsageError(`--auth-ttl-ms needs a whole number of ms > 0, got ${ttl}`);
  return { token, ttlMs };
}

/** `--peers 127.0.0.1:7000,127.0.0.1:7001` as a ListNodes answer (node ids 1..n in order). */
function peerList(value: string): () => ClusterNodeInfo[] {
  const nodes = value.split(',').map((entry, i): ClusterNodeInfo => {
    const at = entry.lastIndexOf(':');
    const port = Number(entry.slice(at + 1));
    if (at <= 0 || !Number.isInteger(port) || port < 1 || port > 65535)
      throw new UsageError(`--peers needs HOST:PORT,HOST:PORT,…, got ${JSON.stringify(entry)}`);
    return {
      nodeId: i + 1,
      hostname: entry.slice(0, at),
      port,
      status: 'Healthy',
      role: i === 0 ? 'Primary' : 'Replica',
    };
  });
  return () => nodes;
}
