import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { TestServer } from '../../lib/testing/test-server.js';
import { freePorts } from '../support/cli-process.js';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** A program a user runs: one node up, one refusing; one request, then close. */
const program = (hosts: string[]) => `
  import { createRouter } from ${JSON.stringify(join(root, 'dist/index.js'))};
  const router = createRouter({ hosts: ${JSON.stringify(hosts)}, timeoutMs: 3000 });
  const reply = await router.request('hello');
  console.log('reply from node', reply.sender);
  await router.close();
`;

describe('NODE_DEBUG=qdb-router', () => {
  it("logs connections, health and retry decisions on stderr in util.debuglog's format, one line each", async () => {
    const server = await TestServer.start();
    cleanup.push(() => server.stop());
    const [closed] = await freePorts(1);
    const hosts = [server.address, `127.0.0.1:${closed}`];
    const { stdout, stderr } = await run(process.execPath, ['--input-type=module', '-e', program(hosts)], {
      env: { ...process.env, NODE_DEBUG: 'qdb-router' },
      timeout: 20_000,
    });
    expect(stdout).toContain('reply from node');
    const lines = stderr.trim().split('\n');
    // every line is util.debuglog's: SECTION PID: message
    for (const line of lines) expect(line).toMatch(/^QDB-ROUTER \d+: \S/);
    expect(lines).toContainEqual(expect.stringMatching(`: node 1 ${server.address}: connection \\d+ open$`));
    expect(lines).toContainEqual(
      expect.stringMatching(`: node 2 127\\.0\\.0\\.1:${closed}: connect failed ERR_CONNECT_REFUSED$`),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(`: node 2 127\\.0\\.0\\.1:${closed}: joining -> down \\(\\w+\\)$`),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(`: node 1 ${server.address}: joining -> up \\(\\w+\\)$`),
    );
    // routine events stay out: no line per request start or success, no successful ping
    expect(stderr).not.toMatch(/requestStarted|requestSucceeded|heartbeatSucceeded|poolStats/);
  });

  it('prints nothing without NODE_DEBUG, or when it names other sections only', async () => {
    const server = await TestServer.start();
    cleanup.push(() => server.stop());
    for (const NODE_DEBUG of ['', 'http']) {
      const { stdout, stderr } = await run(
        process.execPath,
        ['--input-type=module', '-e', program([server.address])],
        {
          env: { ...process.env, NODE_DEBUG },
          timeout: 20_000,
        },
      );
      expect(stdout).toContain('reply from node 1');
      expect(stderr).not.toContain('QDB-ROUTER');
    }
  });
});
