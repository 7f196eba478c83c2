import type { NodeReport } from '../errors.js';
import { ErrorCode, RouterError } from '../errors.js';
import type { NodeId } from '../types.js';
import { describeNoNode } from './describe-no-node.js';

/** What the router knew about its nodes when the request gave up (see `nodeReports`). */
export interface NoEligibleNodeDetail {
  /** Every node of the router, in id order: address, status, reason, last error. */
  readonly nodes?: readonly NodeReport[];
  /** The most recent error of any node, the `cause` when the request itself tried no node. */
  readonly latestNodeError?: unknown;
}

/**
 * `ERR_NO_ELIGIBLE_NODE` (retryable): no node was eligible by the request's deadline.
 *
 * - `nodes`: every node of the router — its address, status, reason and last error (`code`, `message`), plain
 *   data (`JSON.stringify(err.nodes)` logs it). The message says the same: its first line names the nodes and
 *   what to do (`no node reachable within 5001 ms: 127.0.0.1:7000 refused (ERR_CONNECT_REFUSED), … — is the
 *   cluster running? …`), then one line per node.
 * - Like `AggregateError`, `errors` holds the last error of each node this request tried (in the order tried)
 *   and `nodeIds[i]` is the node of `errors[i]`.
 * - `cause`: the latest of those; when the request tried no node, the most recent error of any node.
 */
export class NoEligibleNodeError extends RouterError {
  override readonly name = 'NoEligibleNodeError';
  readonly errors: readonly unknown[];
  readonly nodeIds: readonly NodeId[];
  override readonly nodes: readonly NodeReport[];

  constructor(waitedMs: number, lastErrors: ReadonlyMap<NodeId, unknown>, detail: NoEligibleNodeDetail = {}) {
    const nodeIds = [...lastErrors.keys()];
    const errors = [...lastErrors.values()];
    const nodes = detail.nodes ?? nodeIds.map((id, i) => fromRequest(id, errors[i]));
    super(ErrorCode.NoEligibleNode, describeNoNode(nodes, waitedMs), {
      retryable: true,
      cause: errors.at(-1) ?? detail.latestNodeError,
    });
    this.errors = errors;
    this.nodeIds = nodeIds;
    this.nodes = nodes;
  }
}

/** A node's report from the request's own errors alone (when the router gave no detail). */
function fromRequest(nodeId: NodeId, error: unknown): NodeReport {
  const e = error as { code?: unknown; message?: unknown } | undefined;
  return {
    nodeId,
    address: `node ${nodeId}`,
    status: null,
    reason: null,
    manual: false,
    code: typeof e?.code === 'string' ? e.code : 'ERR_UNKNOWN',
    message: typeof e?.message === 'string' ? e.message : String(error),
  };
}
