import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * What is missing to run network faults here (`NetFault.missing()`), as one line, or undefined when everything is
 * there: Linux, root, `ip` with netns support, `iptables` with the statistic module inside a namespace (tried in
 * a throwaway namespace named `<prefix>-<pid>-probe`).
 */
export async function netFaultMissing(prefix: string): Promise<string | undefined> {
  if (process.platform !== 'linux')
    return `network faults need Linux network namespaces (this is ${process.platform})`;
  if (process.getuid?.() !== 0)
    return `network faults need root (ip netns, iptables); running as uid ${process.getuid?.()}`;
  for (const [command, pkg] of [
    ['ip', 'iproute2'],
    ['iptables', 'iptables'],
  ] as const) {
    const found = spawnSync(command, ['--version'], { stdio: 'ignore' });
    if (found.error)
      return `network faults need the \`${command}\` command (Debian package ${pkg}): not found`;
  }
  const probe = `${prefix}-${process.pid}-probe`;
  try {
    await run('ip', ['netns', 'add', probe]);
  } catch (err) {
    return `network faults need \`ip netns add\`, which failed: ${firstLine(err)}`;
  }
  try {
    await run('ip', [
      'netns',
      'exec',
      probe,
      'iptables',
      '-A',
      'INPUT',
      '-m',
      'statistic',
      '--mode',
      'random',
      '--probability',
      '0.5',
      '-j',
      'DROP',
    ]);
  } catch (err) {
    return `network faults need iptables with the statistic module inside a namespace, which failed: ${firstLine(err)}`;
  } finally {
    await run('ip', ['netns', 'del', probe]).catch(() => {});
  }
  return undefined;
}

/** The first line of a failed command's stderr (or of the error). */
function firstLine(err: unknown): string {
  const e = err as { stderr?: string; message?: string };
  return (e.stderr || e.message || String(err)).trim().split('\n')[0]!;
}
