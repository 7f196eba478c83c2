import type { Backoff, BackoffPolicy } from '../operators/backoff.js';
import {
  type RetryDecision,
  type RetryRefusal,
  refusals,
  retryDecision,
} from '../operators/retry-decision.js';
import { classifyError } from './classify-error.js';

/** A request that broke connections on this many nodes is suspected of being the cause: it is not retried. */
export const poisonAfter = 2;

/** The router's retry policy (the config's `retry`, resolved). */
export interface RetryPolicy extends BackoffPolicy {
  readonly maxRetries: number;
}

/** A failed attempt, and everything about its request that decides whether to try again. */
export interface RetryCase {
  readonly kind: 'retry';
  readonly error: unknown;
  /** The backoff point so far (`attempt` = retries made). */
  readonly state: Backoff;
  readonly policy: RetryPolicy;
  readonly random: () => number;
  readonly now: number;
  /** The request's one absolute deadline. */
  readonly deadline: number;
  readonly idempotent: boolean;
  /** close() has begun: nothing new is sent. */
  readonly closing: boolean;
  /** Nodes whose connection broke under this request (see `poisonAfter`). */
  readonly hardFailures: number;
  readonly budget: { tryWithdraw(): boolean } | undefined;
}

/** A hedge timer that fired: may the request send one more copy now? */
export interface HedgeCase {
  readonly kind: 'hedge';
  /** Copies of this round already sent (the original included) and the most allowed. */
  readonly copies: number;
  readonly maxCopies: number;
  readonly closing: boolean;
  /** An eligible node has none of this request's attempts yet (never a copy to a node already tried). */
  readonly freshNode: boolean;
  /** The retry budget can spare a retry (a failing cluster gets no hedges; the hedge does not spend it). */
  readonly retryBudgetSpare: boolean;
  /** The hedge budget (`maxExtraLoad`); asked last, only for a copy everything else allows. */
  readonly hedgeBudget: { tryWithdraw(): boolean };
}

/** A copy failed while other copies of its request are still out: wait for them, or end now? */
export interface CopyCase {
  readonly kind: 'copy';
  readonly error: unknown;
  readonly closing: boolean;
  readonly hardFailures: number;
}

/** Whether the other copies are worth waiting for (false: no retry could follow this error — end now). */
export type CopyDecision = { readonly wait: boolean };

/** Why a hedge copy is not sent. */
export type HedgeRefusal = 'copies' | 'closing' | 'no-node' | 'retry-budget' | 'budget';

/** A hedge decision. */
export type HedgeDecision =
  | { readonly hedge: true }
  | { readonly hedge: false; readonly reason: HedgeRefusal };

const wait: CopyDecision = Object.freeze({ wait: true });
const endNow: CopyDecision = Object.freeze({ wait: false });
const yes: HedgeDecision = Object.freeze({ hedge: true });
const no = (reason: HedgeRefusal): HedgeDecision => Object.freeze({ hedge: false, reason });
const hedgeRefusals = {
  copies: no('copies'),
  closing: no('closing'),
  'no-node': no('no-node'),
  'retry-budget': no('retry-budget'),
  budget: no('budget'),
} as const;

/**
 * THE decision of the request path: whether a request sends again — a retry after a failed attempt, or a hedge
 * copy while its attempt is slow. Both go through here, nowhere else.
 *
 * Retry, in order: not after close() began; at most `maxRetries`, with the next backoff point; not a poison
 * suspect (its connection broke on {@link poisonAfter} nodes); only an error the table (`classifyError`) calls
 * retryable, or a node's rejection of the credentials (nothing was sent: the request moves to another node;
 * when every node rejected them it fails at once with `ERR_AUTH_FAILED`); a request that may have reached its node only when idempotent; no retry whose wait reaches the
 * deadline; the retry budget last — free for a request no node saw (a failure before its bytes left: the router
 * promises to retry those), paid for otherwise (a node's own retryable error reply included). Refused for the
 * budget: `reason: 'budget'` (the caller's error says so).
 *
 * Hedge, in order: at most `maxCopies` per round; not after close() began; only to a node the request has not
 * tried; only while the retry budget has a retry to spare; the hedge budget last.
 *
 * Copy: an error never sends a copy by itself. A copy's error while others are out waits for them when a retry
 * could follow it (retryable, not a poison suspect, not closing), else ends the request at once; the last copy's
 * error is a retry case.
 */
export function decide(c: RetryCase): RetryDecision;
export function decide(c: HedgeCase): HedgeDecision;
export function decide(c: CopyCase): CopyDecision;
export function decide(c: RetryCase | HedgeCase | CopyCase): RetryDecision | HedgeDecision | CopyDecision {
  if (c.kind === 'copy') {
    // a copy's error sends nothing by itself; the others are waited for while a retry could still follow
    const e = classifyError(c.error);
    return !c.closing && c.hardFailures < poisonAfter && e.retryable ? wait : endNow;
  }
  if (c.kind === 'hedge') {
    if (c.copies >= c.maxCopies) return hedgeRefusals.copies;
    if (c.closing) return hedgeRefusals.closing;
    if (!c.freshNode) return hedgeRefusals['no-node'];
    if (!c.retryBudgetSpare) return hedgeRefusals['retry-budget'];
    if (!c.hedgeBudget.tryWithdraw()) return hedgeRefusals.budget;
    return yes;
  }
  if (c.closing) return refusals.closing;
  const e = classifyError(c.error);
  let why: RetryRefusal = 'not-retryable';
  const d = retryDecision({
    error: c.error,
    state: c.state,
    maxRetries: c.policy.maxRetries,
    policy: c.policy,
    random: c.random,
    // poison and idempotency are asked after the count and the jitter draw, as the retryable check is
    shouldRetry: () => {
      if (c.hardFailures >= poisonAfter) why = 'poison';
      else if (e.retryable && !c.idempotent && e.maybeSent) why = 'not-idempotent';
      // a node that rejected the credentials sent nothing: the request moves on (unusable nodes get no pick)
      else return e.retryable || e.health === 'auth';
      return false;
    },
    now: c.now,
    deadline: c.deadline,
    budget: c.budget,
    budgetFree: !e.maybeSent && e.health !== 'failure',
  });
  return !d.retry && d.reason === 'not-retryable' ? refusals[why] : d;
}
