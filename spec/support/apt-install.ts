import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Installs Debian packages for a test suite when this is a Debian machine and we are root (a fresh box of this
 * kind, or CI): `apt-get update` once, then `apt-get install -y`. Returns an error line instead of throwing when
 * it cannot (not root, no apt-get, the install failed), for the caller to print or fail with.
 */
export function aptInstall(suite: string, packages: readonly string[]): string | undefined {
  if (packages.length === 0) return undefined;
  const list = packages.join(' ');
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get'))
    return `${suite}: missing ${list}; run \`sudo apt-get install -y ${list}\` (Debian/Ubuntu)`;
  console.error(`${suite}: installing Debian's ${list} (apt-get update && apt-get install -y ${list}) …`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const stdio: ['ignore', 'ignore', 'inherit'] = ['ignore', 'ignore', 'inherit'];
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio, env });
    execFileSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio, env });
  } catch (err) {
    return `${suite}: \`apt-get install -y ${list}\` failed (${(err as Error).message.split('\n')[0]})`;
  }
  return undefined;
}

/** Whether `command` is on the PATH. */
export function hasCommand(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
