import { existsSync } from 'node:fs';
import { aptInstall } from '../support/apt-install.js';

/** Where the browser suite expects Chromium: `$CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Ends the run at once with one line saying what to run (no stack, no "no test files found" after it). */
function fail(line: string): never {
  console.error(line);
  process.exit(1);
}

/**
 * Vitest globalSetup of the browser project: makes sure Debian's Chromium is there. When it is missing and we are
 * root on a machine with apt-get (a fresh Debian box or CI), it runs `apt-get update` once and
 * `apt-get install -y chromium`; anywhere else it fails at once with one line saying what to run.
 */
export default function setup(): void {
  if (existsSync(chromiumPath)) return;
  if (process.env.CHROMIUM_PATH !== undefined)
    fail(`browser suite: CHROMIUM_PATH=${chromiumPath} does not exist; point it at a Chromium binary`);
  const problem = aptInstall('browser suite', ['chromium']);
  if (problem) fail(`${problem}, or set CHROMIUM_PATH to a Chromium binary`);
  if (!existsSync(chromiumPath))
    fail(`browser suite: apt-get installed chromium but ${chromiumPath} is still missing`);
}
