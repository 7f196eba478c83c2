import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageType } from '../../lib/wire/message.js';
import { freePorts } from '../support/cli-process.js';
import { RawClient } from '../support/raw-client.js';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;

function pidsOf(ports: number[]): Promise<string> {
  return run('pgrep', ['-f', `node --port (${ports.join('|')})`]).then(
    (r) => r.stdout.trim(),
    () => '',
  );
}

let runDir = '';
afterEach(async () => {
  if (runDir)
    await run(join(root, 'scripts/stop-test-cluster.sh'), { env: { ...process.env, QDB_RUN_DIR: runDir } });
});

describe('start-test-cluster.sh / stop-test-cluster.sh', () => {
  it('start returns once every node answers a ping; stop ends exactly those processes, twice safely', async () => {
    runDir = mkdtempSync(join(tmpdir(), 'qdb-run-'));
    const ports = await freePorts(3);
    const env = { ...process.env, TEST_SERVER_PORTS: ports.join(','), QDB_RUN_DIR: runDir };
    const start = await run(join(root, 'scripts/start-test-cluster.sh'), { env });
    expect(start.stdout).toContain('test cluster up');
    expect(readdirSync(runDir).sort()).toEqual(
      ports.flatMap((p) => [`node-${p}.log`, `node-${p}.pid`]).sort(),
    );
    for (const [i, port] of ports.entries()) {
      const c = await RawClient.connect(`127.0.0.1:${port}`);
      c.send(MessageType.Ping, i);
      expect((await c.waitFor(1))[0]!.sender).toBe(i + 1);
      c.close();
    }
    expect((await pidsOf(ports)).split('\n')).toHaveLength(3);
    const stop = await run(join(root, 'scripts/stop-test-cluster.sh'), { env });
    expect(stop.stdout).toContain('stopped (3 nodes)');
    expect(await pidsOf(ports)).toBe('');
    const again = await run(join(root, 'scripts/stop-test-cluster.sh'), { env });
    expect(again.stdout).toContain('no test cluster recorded');
  });

  it('a port already in use is an error naming the port, with nothing left running', async () => {
    runDir = mkdtempSync(join(tmpdir(), 'qdb-run-'));
    const [free] = await freePorts(1);
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const busy = (blocker.address() as net.AddressInfo).port;
    try {
      const env = { ...process.env, TEST_SERVER_PORTS: `${free},${busy}`, QDB_RUN_DIR: runDir };
      const failure = await run(join(root, 'scripts/start-test-cluster.sh'), { env }).then(
        () => undefined,
        (e: { code: number; stderr: string }) => e,
      );
      expect(failure?.code).toBe(1);
      expect(failure?.stderr).toContain(`port ${busy} is already in use`);
      expect(await pidsOf([free!, busy])).toBe('');
    } finally {
      blocker.close();
    }
  });
});
