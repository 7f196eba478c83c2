import { parseArgs } from 'node:util';
import { TestServer } from '../testing/test-server.js';
import { UsageError } from './usage-error.js';

export const nodeUsage = `qdb-router node --port PORT [--node-id N] [--host HOST]
  Runs one test node (TestServer) in this process until SIGINT/SIGTERM. Prints "READY host:port pid=PID".
  Faults from another process: SIGKILL (crash), SIGSTOP/SIGCONT (hang), or Admin messages (see docs/testing.md).`;

/** `qdb-router node`: one TestServer in the foreground. */
export async function nodeCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { port: { type: 'string' }, 'node-id': { type: 'string' }, host: { type: 'string' } },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port needs 0-65535, got ${values.port}`);
  const nodeId = values['node-id'] === undefined ? 1 : Number(values['node-id']);
  if (!Number.isInteger(nodeId) || nodeId < 1) throw new UsageError(`--node-id needs a whole number >= 1`);
  let server: TestServer;
  try {
    server = await TestServer.start({ port, nodeId, host: values.host });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    console.error(code === 'EADDRINUSE' ? `error: port ${port} is already in use` : `error: ${String(err)}`);
    return 1;
  }
  console.log(`READY ${server.address} pid=${process.pid} node=${nodeId}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.stop();
  return 0;
}
