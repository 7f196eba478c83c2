import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

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
  const root = process.getuid?.() === 0;
  if (!root || !existsSync('/usr/bin/apt-get'))
    fail(
      'browser suite: Chromium not found at /usr/bin/chromium; run `sudo apt-get install -y chromium` ' +
        '(Debian/Ubuntu) or set CHROMIUM_PATH to a Chromium binary',
    );
  console.error(
    'browser suite: Chromium is missing; installing Debian’s (apt-get update && apt-get install -y chromium) …',
  );
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env,
    });
  } catch (err) {
    fail(`browser suite: \`apt-get install -y chromium\` failed (${(err as Error).message.split('\n')[0]})`);
  }
  if (!existsSync(chromiumPath))
    fail(`browser suite: apt-get installed chromium but ${chromiumPath} is still missing`);
}
