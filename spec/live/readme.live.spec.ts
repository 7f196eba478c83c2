import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { TestCluster } from '../../lib/testing/test-cluster.js';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

describe("README's quick start, as a new user types it", () => {
  // Found at integration: with nodes starting `unknown`, its request$-then-close() printed ERR_ROUTER_CLOSED.
  it('prints a reply from a node and exits by itself', async () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const code = /## Quick start\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(code, 'README.md has a "## Quick start" ts block').toBeDefined();
    const cluster = await TestCluster.start(3);
    cleanup.push(() => cluster.stop());
    // only the hosts change (the README's are the default ports of a local cluster) and the import path (this
    // checkout's build instead of the installed package)
    const script = code!
      .replace(/hosts: \[[^\]]*\]/, `hosts: ${JSON.stringify(cluster.addresses)}`)
      .replace("from 'qdb-router'", `from ${JSON.stringify(join(root, 'dist/index.js'))}`);
    expect(script).toContain(cluster.addresses[0]);
    const dir = mkdtempSync(join(tmpdir(), 'qdb-readme-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'quick-start.mjs'), script);
    const { stdout, stderr } = await run('node', [join(dir, 'quick-start.mjs')], { timeout: 20_000 });
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^node [123]: hello$/m);
  });
});
