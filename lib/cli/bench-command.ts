import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export const benchUsage = `qdb-router bench [--quick] [--json] [--out DIR]
  The benchmark (bench/run.mjs): the router against a raw socket and a one-request-per-connection pool, side by
  side, servers in separate processes; --quick runs in under a minute, --json ends with a JSON line, --out DIR
  writes the results there (default bench/results/). Only in a source checkout (it needs the dev dependencies).`;

const script = fileURLToPath(new URL('../../bench/run.mjs', import.meta.url));

/**
 * Whether the benchmark is here: it ships with the source checkout only (the published package leaves out
 * bench/ and its development dependencies generic-pool and hdr-histogram-js), so the installed command does not
 * offer it.
 */
export const benchAvailable = existsSync(script);

/** `qdb-router bench`: runs bench/run.mjs of this checkout with --expose-gc (for the memory figures). */
export async function benchCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { quick: { type: 'boolean' }, json: { type: 'boolean' }, out: { type: 'string' } },
  });
  if (!benchAvailable) {
    console.error(
      'qdb-router bench: the benchmark ships with the source checkout only (git clone, npm install, npm run bench)',
    );
    return 1;
  }
  const forward = [
    ...(values.quick ? ['--quick'] : []),
    ...(values.json ? ['--json'] : []),
    ...(values.out !== undefined ? ['--out', values.out] : []),
  ];
  const child = spawn(process.execPath, ['--expose-gc', script, ...forward], { stdio: 'inherit' });
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}
