import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRouter } from '../../lib/router/router.js';
import { MessageType } from '../../lib/wire/message.js';
import { freePorts } from '../support/cli-process.js';
import { text } from '../support/raw-client.js';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;

/**
 * Runs against the cluster named by TEST_SERVER_PORTS when it is set (started by scripts/start-test-cluster.sh
 * or any other way); otherwise starts one with the scripts on free ports, and stops it afterwards.
 */
let ports: number[] = [];
let ownRunDir: string | undefined;
beforeAll(async () => {
  if (process.env.TEST_SERVER_PORTS) {
    ports = process.env.TEST_SERVER_PORTS.split(',').map(Number);
    return;
  }
  ports = await freePorts(3);
  ownRunDir = mkdtempSync(join(tmpdir(), 'qdb-ext-'));
  await run(join(root, 'scripts/start-test-cluster.sh'), {
    env: { ...process.env, TEST_SERVER_PORTS: ports.join(','), QDB_RUN_DIR: ownRunDir },
  });
});
afterAll(async () => {
  if (ownRunDir)
    await run(join(root, 'scripts/stop-test-cluster.sh'), {
      env: { ...process.env, QDB_RUN_DIR: ownRunDir },
    });
});

describe('a cluster running in other processes (TEST_SERVER_PORTS)', () => {
  it('routes requests to every node, as each node’s own Admin stats confirm', async () => {
    const hosts = ports.map((p) => `127.0.0.1:${p}`);
    const router = createRouter({ hosts, balancer: 'round-robin' });
    try {
      const before = await Promise.all(hosts.map((h) => adminStats(h)));
      for (let i = 0; i < 30; i++) expect(text(await router.request(`ext ${i}`))).toBe(`ext ${i}`);
      const after = await Promise.all(hosts.map((h) => adminStats(h)));
      for (let i = 0; i < hosts.length; i++) expect(after[i]! - before[i]!).toBeGreaterThan(0);
    } finally {
      await router.close();
    }
  });
});

async function adminStats(host: string): Promise<number> {
  const router = createRouter({ hosts: [host], retry: { maxRetries: 0 } });
  try {
    const reply = await router.request(JSON.stringify({ command: 'stats' }), { type: MessageType.Admin });
    return (JSON.parse(text(reply)) as { requestCount: number }).requestCount;
  } finally {
    await router.close();
  }
}
