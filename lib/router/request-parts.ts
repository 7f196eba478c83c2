import type { Observable, Subject } from 'rxjs';
import type { ResolvedConfig } from '../config.js';
import type { RetryBudget } from '../operators/retry-budget.js';
import type { ClusterHealth } from '../types.js';
import type { ClusterView } from './cluster-view.js';
import type { HealthFeedback } from './health-feedback.js';
import type { Hedging } from './hedging.js';
import type { Lifecycle } from './lifecycle.js';
import type { NodeErrors } from './node-errors.js';
import type { Nodes } from './nodes.js';
import type { Picker } from './picker.js';
import type { RouterEvent } from './router-event.js';

/**
 * The router's shared machinery a request uses — named parts the router owns, each an object with its own job
 * (no callbacks into `createRouter`). A request reads them; it owns only its own state (`RouterRequest`).
 */
export interface RequestParts {
  /** The resolved config: scheduler, random, timeouts, retry policy, pool limits. */
  readonly config: Readonly<ResolvedConfig>;
  /** A pool per node: `send`. */
  readonly nodes: Nodes;
  /** The latest health snapshot and the per-node figures. */
  readonly cluster: ClusterView;
  /** `health$`: a request with no eligible node waits on it (by its deadline). */
  readonly health$: Observable<ClusterHealth>;
  /**
   * Emits whenever the eligible set may have changed (after each `health$` snapshot is applied): a request with
   * no eligible node waits on it, by its deadline. A `FanOut`, not `health$` itself: O(1) to leave.
   */
  readonly changes$: Observable<unknown>;
  /** Chooses the node of each attempt. */
  readonly picker: Picker;
  /** Turns each attempt's outcome into health signals. */
  readonly feedback: HealthFeedback;
  /** close(): counts requests in and out, says when closing begins. */
  readonly life: Lifecycle;
  /** `events$` (events are built only while someone listens). */
  readonly events: Subject<RouterEvent>;
  /** The shared retry budget (none when `retry.budget: false`). */
  readonly budget: RetryBudget | undefined;
  /** Hedge delay, hedge budget, the shared hedge timer. */
  readonly hedging: Hedging;
  /** The last request id handed out. */
  readonly ids: { last: number };
  /** Each node's last error: recorded per failed attempt, read by `ERR_NO_ELIGIBLE_NODE` (`detail()`). */
  readonly nodeErrors: NodeErrors;
}
