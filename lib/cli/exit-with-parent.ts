import { readFileSync } from 'node:fs';

/** The environment variable a supervising command (demo, cluster) sets to its pid for the processes it spawns. */
export const parentPidVariable = 'QDB_EXIT_WITH_PARENT';

/** This process's parent pid as the kernel sees it now (`process.ppid` is read once, at start). */
function currentParent(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/**
 * When `QDB_EXIT_WITH_PARENT` names a pid, watches it (every `checkMs`, unref'd): once that parent is gone —
 * killed even by SIGKILL, which it cannot pass on — this process sends itself SIGTERM (its own graceful stop),
 * and exits hard 5 s later if that did not end it. So a demo's node processes never outlive the demo.
 */
export function exitWithParent(checkMs = 500): void {
  const parent = Number(process.env[parentPidVariable]);
  if (!Number.isInteger(parent) || parent <= 1) return;
  const alive = () => {
    const now = currentParent();
    if (now !== undefined) return now === parent;
    try {
      process.kill(parent, 0);
      return true;
    } catch {
      return false;
    }
  };
  const timer = setInterval(() => {
    if (alive()) return;
    clearInterval(timer);
    process.kill(process.pid, 'SIGTERM');
    setTimeout(() => process.exit(1), 5000).unref();
  }, checkMs);
  timer.unref();
}
