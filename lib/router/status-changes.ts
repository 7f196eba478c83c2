import { ErrorCode, RouterError } from '../errors.js';
import { type ClusterHealth, HealthStatus, type NodeId } from '../types.js';
import type { Nodes } from './nodes.js';
import type { RouterEvent } from './router-event.js';

/**
 * What the router does when node statuses change (fed every `health$` snapshot): reports `nodeStatusChanged`
 * and `nodeEjected`, and takes requests off a node that left the eligible set — `Pool.evacuate` fails the ones
 * not yet written with a retryable, not-sent error so they go to another node; a node found down (not held out
 * by hand) also loses its connections, so requests in flight on it fail over now.
 */
export function statusChanges(
  nodes: Nodes,
  emit: (event: () => RouterEvent) => void,
): (h: ClusterHealth) => void {
  const statuses = new Map<NodeId, HealthStatus>();
  const ejections = new Map<NodeId, number>();
  return (h) => {
    for (const id of h.changed) {
      const node = h.nodes.get(id);
      if (!node) {
        // removed by membership: nothing of it is kept
        statuses.delete(id);
        ejections.delete(id);
        continue;
      }
      const previous = statuses.get(id) ?? HealthStatus.Joining;
      const untilAt = node.ejectedUntil;
      if ((ejections.get(id) ?? 0) < node.ejections && untilAt !== null && untilAt > h.at) {
        emit(() => ({
          type: 'nodeEjected',
          at: h.at,
          nodeId: id,
          untilAt,
          times: node.ejections,
        }));
      }
      ejections.set(id, node.ejections);
      if (node.status === previous) continue;
      statuses.set(id, node.status);
      emit(() => ({
        type: 'nodeStatusChanged',
        at: h.at,
        nodeId: id,
        previous,
        status: node.status,
        reason: node.reason,
      }));
      const out = node.status === HealthStatus.Down || node.status === HealthStatus.Probation;
      const wasIn = previous === HealthStatus.Up || previous === HealthStatus.Suspect;
      if (out && wasIn) {
        nodes.evacuate(
          id,
          new RouterError(ErrorCode.NoEligibleNode, `node ${id} left the eligible set; request not sent`, {
            retryable: true,
          }),
        );
        if (!node.manual) nodes.clear(id);
      }
    }
  };
}
