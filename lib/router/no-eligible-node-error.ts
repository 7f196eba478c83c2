import { ErrorCode, RouterError } from '../errors.js';
import type { NodeId } from '../types.js';

/**
 * `ERR_NO_ELIGIBLE_NODE` (retryable): no node was eligible by the request's deadline. Like `AggregateError`,
 * `errors` holds the last error of each node this request tried (in the order tried) and `cause` the latest one;
 * `nodeIds[i]` is the node of `errors[i]`.
 */
export class NoEligibleNodeError extends RouterError {
  override readonly name = 'NoEligibleNodeError';
  readonly errors: readonly unknown[];
  readonly nodeIds: readonly NodeId[];

  constructor(waitedMs: number, lastErrors: ReadonlyMap<NodeId, unknown>) {
    const nodeIds = [...lastErrors.keys()];
    const errors = [...lastErrors.values()];
    const detail =
      nodeIds.length === 0
        ? ''
        : `; last errors: ${nodeIds.map((id, i) => `node ${id}: ${(errors[i] as { code?: string }).code ?? String(errors[i])}`).join(', ')}`;
    super(ErrorCode.NoEligibleNode, `no eligible node within ${Math.round(waitedMs)} ms${detail}`, {
      retryable: true,
      cause: errors.at(-1),
    });
    this.errors = errors;
    this.nodeIds = nodeIds;
  }
}
