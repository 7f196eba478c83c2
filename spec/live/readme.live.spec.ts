import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { transform } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { TestCluster } from '../../lib/testing/test-cluster.js';
import { freePorts, nodeProcessesOn } from '../support/cli-process.js';
import { type DocBlock, docBlocks } from '../support/doc-blocks.js';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
const cleanup: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const files = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const blocks = files.flatMap((file) => docBlocks(file, readFileSync(join(root, file), 'utf8')));
const runnable = blocks.filter((b) => b.mark === 'runs');
const usesPackage = (b: DocBlock) => /from 'qdb-router|require\('qdb-router/.test(b.code);

/** Expectations on what a block prints, beyond exiting 0 with an empty stderr. */
const prints: Array<[RegExp, RegExp]> = [
  [/router\.request\$\('hello'\)/, /^node [123]: hello$/m],
  [/require\('qdb-router'\)/, /^node [123]: hello from require$/m],
];

/**
 * A doc block as a user would run it, against this checkout's build: the package's specifiers point at dist/,
 * TypeScript is stripped (esbuild), and the ports it names (7000–7099) become free ones. A block that starts no
 * server of its own gets a local TestCluster on those ports (the docs' `hosts` are a local cluster's).
 */
async function prepare(block: DocBlock): Promise<{ path: string; ports: number[] }> {
  let code = block.code
    .replace(/(['"])qdb-router\/testing\1/g, JSON.stringify(join(root, 'dist/testing/index.js')))
    .replace(/(['"])qdb-router\1/g, JSON.stringify(join(root, 'dist/index.js')));
  const named = [...new Set([...code.matchAll(/\b(70\d\d)\b/g)].map((m) => Number(m[1])))];
  const free = await freePorts(named.length);
  named.forEach((port, i) => {
    code = code.replace(new RegExp(`\\b${port}\\b`, 'g'), String(free[i]));
  });
  if (!/\.start\(/.test(code)) {
    const cluster = await TestCluster.start(free.length ? { ports: free } : 3);
    cleanup.push(() => cluster.stop());
    code = code.replace(/\{ hosts \}/g, `{ hosts: ${JSON.stringify(cluster.addresses)} }`);
  }
  const cjs = /\brequire\(/.test(code);
  if (block.lang === 'ts') code = (await transform(code, { loader: 'ts', format: cjs ? 'cjs' : 'esm' })).code;
  const dir = mkdtempSync(join(tmpdir(), 'qdb-docs-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, `block.${cjs ? 'cjs' : 'mjs'}`);
  writeFileSync(path, code);
  return { path, ports: free };
}

describe('README.md and docs/*.md: every code block meant to run runs', () => {
  it('every block that uses the package says whether it runs (<!-- runs -->) or is a fragment (<!-- fragment -->)', () => {
    const unmarked = blocks
      .filter((b) => usesPackage(b) && b.mark === undefined)
      .map((b) => `${b.file}:${b.line}`);
    expect(unmarked, 'put <!-- runs --> or <!-- fragment --> on the line above each of these fences').toEqual(
      [],
    );
    expect(runnable.map((b) => b.file)).toEqual(
      expect.arrayContaining(['README.md', 'docs/testing.md', 'docs/api.md']),
    );
  });

  // Found at integration: with nodes starting `unknown`, the quick start's request$-then-close() printed
  // ERR_ROUTER_CLOSED; docs/testing.md's ProcessCluster example failed as written and left its nodes running.
  it.each(runnable.map((b) => [`${b.file}:${b.line}`, b] as const))(
    '%s runs as written, exits by itself and leaves no node process behind',
    async (_where, block) => {
      const { path, ports } = await prepare(block);
      const { stdout, stderr } = await run(process.execPath, [path], { timeout: 30_000 }).catch((err) => {
        throw new Error(
          `${_where} failed:\n${err.stdout ?? ''}${err.stderr ?? err.message}\n--- code ---\n${block.code}`,
        );
      });
      expect(stderr).toBe('');
      for (const [when, output] of prints) if (when.test(block.code)) expect(stdout).toMatch(output);
      for (const fn of cleanup.splice(0).reverse()) await fn();
      if (ports.length) expect(await nodeProcessesOn(ports)).toBe('');
    },
  );

  it("README's quick start with no cluster running prints, as 'When nothing answers' says, each node refused and what to do", async () => {
    const block = runnable.find(
      (b) => b.file === 'README.md' && /router\.request\$\('hello'\)/.test(b.code),
    )!;
    const ports = await freePorts(3); // bound then released: nothing listens there
    let code = block.code.replace("from 'qdb-router'", `from ${JSON.stringify(join(root, 'dist/index.js'))}`);
    ['7000', '7001', '7002'].forEach((port, i) => {
      code = code.replace(`127.0.0.1:${port}`, `127.0.0.1:${ports[i]}`);
    });
    const dir = mkdtempSync(join(tmpdir(), 'qdb-docs-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'quick-start.mjs');
    writeFileSync(path, (await transform(code, { loader: 'ts', format: 'esm' })).code);
    const { stderr } = await run(process.execPath, [path], { timeout: 30_000 });
    const [first, ...lines] = stderr.trim().split('\n');
    const refused = ports.map((p) => `127.0.0.1:${p} refused (ERR_CONNECT_REFUSED)`).join(', ');
    expect(first).toMatch(
      new RegExp(
        `^ERR_NO_ELIGIBLE_NODE no node reachable within \\d+ ms: ${refused.replace(/[.()]/g, '\\$&')} — is the cluster running\\?`,
      ),
    );
    expect(lines).toHaveLength(3);
    // the reason in parentheses is health feedback's (README shows today's)
    for (const [i, line] of lines.entries()) {
      const [before, after] = [
        `node ${i + 1} 127.0.0.1:${ports[i]}: down (`,
        `), last error ERR_CONNECT_REFUSED:`,
      ];
      expect(line).toContain(before);
      expect(line).toContain(`${after} 127.0.0.1:${ports[i]} refused the connection`);
    }
  });
});
