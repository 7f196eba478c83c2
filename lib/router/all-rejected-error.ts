import { ErrorCode, RouterError } from '../errors.js';
import type { NodeId } from '../types.js';
import type { ClusterView } from './cluster-view.js';

/**
 * Every node rejected the router's credentials: the last rejection the request saw (`lastErrors`, its nodes' last
 * errors), else an `ERR_AUTH_FAILED` naming the nodes.
 */
export function allRejectedError(
  lastErrors: ReadonlyMap<NodeId, unknown> | undefined,
  cluster: Pick<ClusterView, 'latest'>,
): RouterError {
  for (const err of lastErrors?.values() ?? [])
    if ((err as RouterError).code === ErrorCode.AuthFailed) return err as RouterError;
  const ids = [...(cluster.latest?.nodes.keys() ?? [])].join(', ');
  return new RouterError(ErrorCode.AuthFailed, `every node rejected the router's credentials (nodes ${ids})`);
}
