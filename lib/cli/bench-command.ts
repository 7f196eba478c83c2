import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UsageError } from './usage-error.js';

export const benchUsage = `qdb-router bench [--quick] [--json]
  The benchmark (bench/run.mjs): the router against a raw socket and a one-request-per-connection pool, side by
  side, servers in separate processes; --quick runs in under a minute, --json ends with a JSON line.`;

/** `qdb-router bench`: runs bench/run.mjs of this package with --expose-gc (for the memory figures). */
export async function benchCommand(args: string[]): Promise<number> {
  for (const a of args) if (a !== '--quick' && a !== '--json') throw new UsageError(`unknown option ${a}`);
  const script = fileURLToPath(new URL('../../bench/run.mjs', import.meta.url));
  if (!existsSync(script)) {
    console.error(`error: ${script} not found (the benchmark ships with the source checkout)`);
    return 1;
  }
  const child = spawn(process.execPath, ['--expose-gc', script, ...args], { stdio: 'inherit' });
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}
