import { type Backoff, type BackoffPolicy, backoff } from './backoff.js';

/** Why a retry is not made. */
export type RetryRefusal =
  | 'count'
  | 'not-retryable'
  | 'not-idempotent'
  | 'poison'
  | 'closing'
  | 'deadline'
  | 'budget';

/** A retry decision: the next backoff point, or why not. */
export type RetryDecision =
  | { readonly retry: true; readonly next: Backoff }
  | { readonly retry: false; readonly reason: RetryRefusal };

/** What {@link retryDecision} weighs. */
export interface RetryQuestion {
  readonly error: unknown;
  /** The backoff point so far (`attempt` = retries already made). */
  readonly state: Backoff;
  readonly maxRetries: number;
  readonly policy: BackoffPolicy;
  /** Uniform in [0, 1), for jitter. */
  readonly random: () => number;
  /** Whether this error may be retried, asked with the retry's number (1 for the first). */
  readonly shouldRetry: (error: unknown, attempt: number) => boolean;
  /** Scheduler time now and the absolute deadline (none: unbounded). */
  readonly now: number;
  readonly deadline?: number;
  /** A shared retry budget; asked last, only for a retry every other rule allows. */
  readonly budget?: { tryWithdraw(): boolean };
  /** This retry costs no budget (the router: the request never reached a node). */
  readonly budgetFree?: boolean;
}

const refused = (reason: RetryRefusal): RetryDecision => Object.freeze({ retry: false, reason });
/** The refusals, shared (a refusal allocates nothing). */
export const refusals: Readonly<Record<RetryRefusal, RetryDecision>> = {
  count: refused('count'),
  'not-retryable': refused('not-retryable'),
  'not-idempotent': refused('not-idempotent'),
  poison: refused('poison'),
  closing: refused('closing'),
  deadline: refused('deadline'),
  budget: refused('budget'),
};

/**
 * The retry decision, in this order: count (`maxRetries`), the next backoff point (jitter drawn from `random`),
 * `shouldRetry`, the deadline (no retry whose wait reaches it), the budget (paid only for a retry everything
 * else allows). Pure but for the budget's withdrawal and the calls to `random` and `shouldRetry`. `retryBackoff`
 * runs it as an operator; the router's `decide` adds its own rules (closing, poison, idempotency) around it.
 */
export function retryDecision(q: RetryQuestion): RetryDecision {
  if (q.state.attempt >= q.maxRetries) return refusals.count;
  const next = backoff.next(q.state, q.policy, q.random);
  if (!q.shouldRetry(q.error, next.attempt)) return refusals['not-retryable'];
  if (q.deadline !== undefined && q.now + next.delayMs >= q.deadline) return refusals.deadline;
  if (q.budget && !q.budgetFree && !q.budget.tryWithdraw()) return refusals.budget;
  return { retry: true, next };
}
