import type { FeedMarker } from '../dashboard/feed-types.js';
import type { ProcessCluster } from '../testing/process-cluster.js';
import { sendAdmin } from './send-admin.js';

/** The demo's fault schedule: kill, pause, slow down, restart, in turn, each on the next node. */
export const demoFaults = ['kill', 'pause', 'slow', 'restart'] as const;

/**
 * Injects fault `step` (0, 1, 2 …) into a process cluster, logs a line describing it and publishes it to the
 * dashboard (`annotate`: a chart marker and an event-log line); a paused node is continued and a slow one sped
 * up after `healMs` (published too). A killed node is left to the demo's supervisor, the one place
 * that restarts dead nodes (two restarters would restart it twice: a second outage).
 */
export async function injectFault(
  cluster: ProcessCluster,
  step: number,
  healMs: number,
  log: (line: string) => void,
  annotate: (marker: Omit<FeedMarker, 'at'>) => void = () => {},
): Promise<void> {
  const kind = demoFaults[step % demoFaults.length]!;
  const nodeId = (step % cluster.nodes.length) + 1;
  const node = cluster.nodes[nodeId - 1]!;
  const heal = (what: string, fn: () => unknown) =>
    setTimeout(() => {
      Promise.resolve(fn()).then(
        () => {
          log(`heal: node ${nodeId} ${what}`);
          annotate({ kind: 'heal', label: `heal ${nodeId}`, text: `heal: node ${nodeId} ${what}`, nodeId });
        },
        (err: unknown) => log(`heal of node ${nodeId} failed: ${String(err)}`),
      );
    }, healMs).unref();
  const fault = (label: string, text: string) => {
    log(`fault: ${text}`);
    annotate({ kind: 'fault', label: `${label} ${nodeId}`, text: `fault injected: ${text}`, nodeId });
  };
  switch (kind) {
    case 'kill':
      fault('kill', `SIGKILL node ${nodeId} (pid ${node.pid}); the supervisor starts it again`);
      cluster.signal(nodeId, 'SIGKILL');
      break;
    case 'pause':
      fault('pause', `SIGSTOP node ${nodeId} (pid ${node.pid}) — a hung process`);
      cluster.signal(nodeId, 'SIGSTOP');
      heal('continued (SIGCONT)', () => cluster.signal(nodeId, 'SIGCONT'));
      break;
    case 'slow':
      fault('slow', `node ${nodeId} answers 300 ms late`);
      await sendAdmin(node.address, { command: 'setLatency', ms: 300 });
      heal('back to full speed', () => sendAdmin(node.address, { command: 'setLatency', ms: 0 }));
      break;
    case 'restart':
      fault(
        'restart',
        `restart node ${nodeId} (SIGKILL pid ${node.pid}, then a new process on port ${node.port})`,
      );
      await cluster.restart(nodeId);
      log(`      node ${nodeId} restarted (pid ${cluster.nodes[nodeId - 1]!.pid})`);
      break;
  }
}
