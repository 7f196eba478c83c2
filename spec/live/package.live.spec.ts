import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url).pathname;
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version as string;
let dir: string;

/** Runs a command in the consumer folder and returns its stdout; rejects with all its output when it fails. */
async function sh(file: string, args: string[], cwd = dir): Promise<string> {
  try {
    return (await run(file, args, { cwd, maxBuffer: 16 << 20 })).stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${file} ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`);
  }
}

// What the package promises a new user: `npm pack`, installed into a fresh folder, imports and typechecks.
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qdb-package-'));
  const packed = await sh('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], root);
  const tarball = packed.trim().split('\n').at(-1)!;
  expect(tarball).toBe(`qdb-router-${version}.tgz`);
  writeFileSync(join(dir, 'package.json'), '{ "name": "consumer", "private": true, "type": "module" }\n');
  // the npm cache serves what CI's `npm ci` fetched; anything else comes from the npm registry
  await sh('npm', [
    'install',
    '--prefer-offline',
    '--no-audit',
    '--no-fund',
    `./${tarball}`,
    '@types/node@20',
  ]);
}, 180_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const consumer = `import { createRouter, MessageType, type Router } from 'qdb-router';
import { TestServer } from 'qdb-router/testing';
import { createRouter as browserRouter, FrameDecoder } from 'qdb-router/browser';
const server = await TestServer.start();
const router: Router = createRouter({ hosts: [server.address] });
const reply = await router.request('hi', { type: MessageType.Data, signal: AbortSignal.timeout(10_000) });
const text: string = new TextDecoder().decode(reply.payload);
await router.close();
await server.stop();
console.log(text, typeof browserRouter, typeof FrameDecoder);
`;

describe('the packed package, installed into a fresh folder', () => {
  it('ships LICENSE, no bench, and no source map pointing at unshipped sources', async () => {
    const files = (await sh('tar', ['tzf', `qdb-router-${version}.tgz`])).split('\n');
    expect(files).toContain('package/LICENSE');
    expect(files.filter((f) => f.startsWith('package/bench/'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('package/lib/'))).toEqual([]);
    const maps = files.filter((f) => f.endsWith('.map'));
    for (const map of maps) {
      const json = JSON.parse(readFileSync(join(dir, 'node_modules/qdb-router', map.slice(8)), 'utf8'));
      expect(json.sourcesContent?.length, map).toBe(json.sources.length);
    }
  });

  it('imports qdb-router, qdb-router/testing and qdb-router/browser as ESM and sends a request', async () => {
    writeFileSync(join(dir, 'smoke.mjs'), consumer.replace(/: Router|: string|, type Router/g, ''));
    expect((await sh(process.execPath, ['smoke.mjs'])).trim()).toBe('hi function function');
  });

  // README: "both `import` and `require` load it" on Node >= 20.19 (require(esm), no flag, no warning)
  it('require()s qdb-router and qdb-router/testing from CommonJS, sends a request, prints no warning', async () => {
    writeFileSync(
      join(dir, 'smoke.cjs'),
      `const { createRouter, NoEligibleNodeError } = require('qdb-router');
const { TestServer } = require('qdb-router/testing');
(async () => {
  const server = await TestServer.start();
  const router = createRouter({ hosts: [server.address] });
  const reply = await router.request('hi from require');
  await router.close();
  await server.stop();
  console.log(new TextDecoder().decode(reply.payload), typeof NoEligibleNodeError);
})();
`,
    );
    const { stdout, stderr } = await run(process.execPath, ['smoke.cjs'], { cwd: dir });
    expect(stdout.trim()).toBe('hi from require function');
    expect(stderr).toBe('');
  });

  it('compiles with README\'s TypeScript setup as written ("type": "module" and its tsconfig.json)', async () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const tsconfig = /\*\*TypeScript\*\*[\s\S]*?```json\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(tsconfig, 'README.md has a TypeScript tsconfig.json block').toBeDefined();
    expect(readme).toContain('`"type": "module"` in your `package.json`');
    const project = join(dir, 'ts-project');
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      '{ "name": "ts-consumer", "private": true, "type": "module" }\n',
    );
    const config = JSON.parse(tsconfig!);
    // the user's own settings for where types and files come from; the compiler options are the README's
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        ...config,
        compilerOptions: { ...config.compilerOptions, typeRoots: ['../node_modules/@types'], outDir: 'out' },
        files: ['app.ts'],
      }),
    );
    symlinkSync('../node_modules', join(project, 'node_modules'));
    writeFileSync(join(project, 'app.ts'), consumer);
    await sh(process.execPath, [tsc, '-p', 'tsconfig.json'], project);
    expect((await sh(process.execPath, ['out/app.js'], project)).trim()).toBe('hi function function');
  });

  for (const resolution of ['node16', 'bundler'] as const) {
    it(`typechecks with moduleResolution ${resolution} (library .d.ts files checked too)`, async () => {
      writeFileSync(join(dir, 'consumer.ts'), consumer);
      const module = resolution === 'bundler' ? 'esnext' : 'node16';
      writeFileSync(
        join(dir, `tsconfig.${resolution}.json`),
        JSON.stringify({
          compilerOptions: {
            target: 'es2022',
            module,
            moduleResolution: resolution,
            strict: true,
            noEmit: true,
            skipLibCheck: false,
            types: ['node'],
            lib: ['es2023', 'dom'],
          },
          files: ['consumer.ts'],
        }),
      );
      await sh(process.execPath, [tsc, '-p', `tsconfig.${resolution}.json`]);
    });
  }

  it('runs `npx qdb-router --version` and leaves bench out of the installed command', async () => {
    expect((await sh('npx', ['--no-install', 'qdb-router', '--version'])).trim()).toBe(version);
    const help = await sh('npx', ['--no-install', 'qdb-router', '--help']);
    expect(help).toContain('qdb-router ping');
    expect(help).not.toContain('qdb-router bench');
    const bench = await sh('npx', ['--no-install', 'qdb-router', 'bench']).catch((err: Error) => err.message);
    expect(bench).toContain('the benchmark ships with the source checkout only');
  });
});
