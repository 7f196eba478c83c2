import type { ProcessCluster } from '../testing/process-cluster.js';

/**
 * The demo's supervisor: a node whose process has been dead for `afterMs` (and is not being restarted) is
 * started again, the new pid is logged and `onRestart` told. It is the only thing that restarts a dead node, so a fault and the
 * supervisor never both restart one (which would be a second outage).
 */
export function startSupervisor(
  cluster: ProcessCluster,
  afterMs: number,
  log: (line: string) => void,
  onRestart: (nodeId: number, pid: number) => void = () => {},
): { stop(): void } {
  const deadSince = new Map<number, number>();
  const timer = setInterval(() => {
    for (const n of cluster.nodes) {
      if (n.running || cluster.isRestarting(n.nodeId)) {
        deadSince.delete(n.nodeId);
        continue;
      }
      const since = deadSince.get(n.nodeId) ?? Date.now();
      deadSince.set(n.nodeId, since);
      if (Date.now() - since < afterMs) continue;
      deadSince.delete(n.nodeId);
      cluster.restart(n.nodeId).then(
        () => {
          const pid = cluster.nodes[n.nodeId - 1]!.pid;
          log(`supervisor: node ${n.nodeId} restarted (pid ${pid})`);
          onRestart(n.nodeId, pid);
        },
        () => {},
      );
    }
  }, 250);
  return { stop: () => clearInterval(timer) };
}
