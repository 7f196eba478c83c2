import { defer, Observable, type SchedulerLike, type Subscriber, type Subscription, throwError } from 'rxjs';
import { isRetryable, RemoteError, type RouterError } from '../errors.js';
import { hedge } from '../operators/hedge.js';
import { type RetryBackoffConfig, retryBackoff } from '../operators/retry-backoff.js';
import type { NodeId } from '../types.js';
import type { Message, MessageType } from '../wire/message.js';
import { classifyError } from './classify-error.js';
import { type HealthFeedback, poisonAfter, type RequestHealth } from './health-feedback.js';
import { NoEligibleNodeError } from './no-eligible-node-error.js';
import type { ResolvedRequestOptions } from './resolve-request-options.js';
import type { RouterEvent } from './router-event.js';
import { waitForNode } from './wait-for-node.js';

type Done = (err: RouterError | undefined, reply?: Message) => void;

/** What one request needs from its router. */
export interface RouteContext {
  readonly scheduler: SchedulerLike;
  /** The retry policy (count, backoff, jitter, budget, random); the deadline and decision hooks are added here. */
  readonly retry: RetryBackoffConfig;
  /** The timeout of one attempt on `nodeId` (see `attemptTimeout`). */
  attemptTimeoutMs(nodeId: NodeId, requestTimeoutMs: number, canRetry: boolean, remainingMs: number): number;
  /** An eligible node, preferring those not yet tried; undefined when none is eligible. */
  select(tried: ReadonlySet<NodeId>, now: number, busy?: ReadonlySet<NodeId>): NodeId | undefined;
  /** Hedging: the config's default, the derived delay, the budget (with a node to spare), latency records. */
  readonly hedge: RouteHedging;
  /** Emits (and replays) whenever the eligible set may have changed. */
  readonly changes$: Observable<unknown>;
  /** Sends on the node's pool; `done` is called by `deadline` (scheduler time). Returns a cancel function. */
  send(nodeId: NodeId, type: MessageType, payload: Uint8Array, deadline: number, done: Done): () => void;
  readonly feedback: HealthFeedback;
  /** Whether anyone listens to `events$` (events are built only then). */
  listening(): boolean;
  /** Emits an event. */
  emit(event: RouterEvent): void;
  /** Validates a request before anything else: its payload as bytes and its options (throws typed errors). */
  validate(payload: unknown, options: unknown): { bytes: Uint8Array; options: ResolvedRequestOptions };
  /** Counts a request in (for `close()`'s drain); the returned function counts it out. */
  enter(): () => void;
  /** Emits once when the router starts closing. */
  readonly closing$: Observable<void>;
  isClosing(): boolean;
  /** Whether some node has not answered yet (`unknown`): a request waiting for a node may still get one. */
  firstContactPending(): boolean;
  /** The error of a request cut short by `close()`. */
  closedError(): RouterError;
  nextRequestId(): number;
}

/** What `routeRequest` needs for hedged requests. */
export interface RouteHedging {
  /** Hedge requests that do not say (`config.hedge`). */
  readonly enabled: boolean;
  readonly maxAttempts: number;
  /** The configured delay, else the derived one (Infinity: no copy). */
  delayMs(): number;
  /** Counts one request into the hedge budget. */
  deposit(): void;
  /** Pays for a copy: false without an eligible node this request has not tried yet, or without budget. */
  tryHedge(tried: ReadonlySet<NodeId>): boolean;
  /** Records a reply time of a node (for the derived delay). */
  record(nodeId: NodeId, ms: number): void;
}

/**
 * One routed request: `defer(attempt).pipe(retryBackoff(policy))` bounded by ONE absolute deadline, computed
 * when the request is subscribed (`now + timeoutMs`) and passed down to every wait: for an eligible node (a
 * timer at the deadline, then `ERR_NO_ELIGIBLE_NODE` with each node's last error), for a connection and a reply
 * (`Pool.send`'s deadline: the earlier of the request's deadline and the attempt's timeout), and for a backoff
 * (`retryBackoff`'s `deadline`: no retry whose wait would reach it).
 *
 * The first attempt runs straight on the chosen node's pool (no operator chain: the hot path, measured in the
 * benchmark). Its error — like every later one — goes through `retryBackoff`, which alone decides whether to
 * retry (count, `shouldRetry`, deadline, budget), so both paths reach the same decision code.
 *
 * ```
 * timeoutMs 1000, node 1 silent, node 2 answers in 5 ms (attempt timeout 500, backoff 100):
 * attempts:  1@node1 ^----------------!  2@node2 ^----!
 * time:      0                        500      600   605
 * output:    ------------------------------------------(r|)
 * ```
 * Retried: errors `isRetryable` says may help, when the request is idempotent or its bytes cannot have reached
 * the node (see `classifyError`), never after `close()` began, never after it broke connections on
 * {@link poisonAfter} nodes (a poison request fails alone, `requestFailed.poison` set).
 */
export function routeRequest(ctx: RouteContext, payload: unknown, options?: unknown): Observable<Message> {
  return new Observable<Message>((subscriber) => {
    if (ctx.isClosing()) return subscriber.error(ctx.closedError());
    let bytes: Uint8Array;
    let resolved: ResolvedRequestOptions;
    try {
      ({ bytes, options: resolved } = ctx.validate(payload, options));
    } catch (err) {
      return subscriber.error(err);
    }
    const leave = ctx.enter();
    const teardown = run(ctx, subscriber, bytes, resolved);
    return () => {
      teardown();
      leave();
    };
  });
}

/** One request's pipeline, once validated; returns its teardown. */
function run(
  ctx: RouteContext,
  subscriber: Subscriber<Message>,
  payload: Uint8Array,
  options: ResolvedRequestOptions,
): () => void {
  const { scheduler } = ctx;
  const type = options.type as MessageType;
  const { timeoutMs, idempotent } = options;
  const hedgeOption = options.hedge;
  const hedgeOverrides = hedgeOption || undefined;
  const maxCopies = hedgeOverrides?.maxAttempts ?? ctx.hedge.maxAttempts;
  const hedging =
    idempotent && (hedgeOption === undefined ? ctx.hedge.enabled : hedgeOption !== false) && maxCopies > 1;
  const start = scheduler.now();
  const deadline = start + timeoutMs;
  const requestId = ctx.nextRequestId();
  const tried = new Set<NodeId>();
  const lastErrors = new Map<NodeId, unknown>();
  const health: RequestHealth = { hardFailures: 0 };
  const canRetry = idempotent && (ctx.retry.maxRetries ?? 3) > 0;
  let attempts = 0;
  let lastNode: NodeId | undefined;
  let sending = 0;
  const busy = new Set<NodeId>();
  let hedgeCopy = 0;
  let raceWon = false;
  if (ctx.listening())
    ctx.emit({ type: 'requestStarted', at: start, requestId, messageType: type, idempotent, timeoutMs });

  const succeed = (reply: Message) => {
    if (ctx.listening()) {
      const at = scheduler.now();
      ctx.emit({
        type: 'requestSucceeded',
        at,
        requestId,
        nodeId: lastNode!,
        durationMs: at - start,
        attempts,
      });
    }
    subscriber.next(reply);
    subscriber.complete();
  };
  const fail = (err: unknown) => {
    if (ctx.listening()) {
      const at = scheduler.now();
      ctx.emit({
        type: 'requestFailed',
        at,
        requestId,
        ...(lastNode === undefined ? {} : { nodeId: lastNode }),
        code: (err as RouterError).code ?? 'ERR_UNKNOWN',
        durationMs: at - start,
        attempts,
        ...(health.hardFailures >= poisonAfter ? { poison: true as const } : {}),
      });
    }
    subscriber.error(err);
  };

  const attempt = (nodeId: NodeId, now: number, done: Done): (() => void) => {
    attempts++;
    tried.add(nodeId);
    lastNode = nodeId;
    if (ctx.listening()) {
      ctx.emit({ type: 'attemptStarted', at: now, requestId, nodeId, attempt: attempts });
      if (hedgeCopy > 0) ctx.emit({ type: 'hedgeSent', at: now, requestId, nodeId, attempt: hedgeCopy });
    }
    hedgeCopy = 0;
    const ms = ctx.attemptTimeoutMs(nodeId, timeoutMs, canRetry, deadline - now);
    sending++;
    busy.add(nodeId);
    let settled = false;
    let detached: Subscription | undefined;
    const settle = () => {
      settled = true;
      sending--;
      busy.delete(nodeId);
    };
    const cancel = ctx.send(nodeId, type, payload, Math.min(deadline, now + ms), (err, reply) => {
      if (detached) {
        // a copy that lost the hedge race, kept only so its node is judged by what it does (see below)
        detached.unsubscribe();
        if (!err && (ctx.hedge.enabled || hedging)) ctx.hedge.record(nodeId, scheduler.now() - now);
        ctx.feedback.attempt(nodeId, err, ms, { hardFailures: 0 });
        return;
      }
      settle();
      if (!err) {
        lastNode = nodeId;
        if (ctx.hedge.enabled || hedging) ctx.hedge.record(nodeId, scheduler.now() - now);
      }
      // A connection that broke while another copy of this request was still out is not held against the
      // request (one event — a restart, a network blip — can break two nodes at once): only breaks in sequence
      // make it a poison suspect. The node is judged either way.
      ctx.feedback.attempt(nodeId, err, ms, sending > 0 ? { hardFailures: 0 } : health);
      if (err) {
        lastErrors.delete(nodeId);
        lastErrors.set(nodeId, err);
      }
      done(err, reply);
    });
    return () => {
      if (settled) return;
      settle();
      // A copy that lost the hedge race leaves the request now but stays on its node until its own attempt
      // timeout, counting against no request: its reply (or silence) is what tells health feedback about a
      // gray node, which answers pings and would otherwise lose every race unseen. close() cancels it.
      if (raceWon && !ctx.isClosing()) detached = ctx.closing$.subscribe(() => cancel());
      else cancel();
    };
  };

  /** One attempt as an Observable: waits (by the deadline) for an eligible node, then sends. */
  const attempt$ = new Observable<Message>((sub) => {
    let cancel: (() => void) | undefined;
    const go = (nodeId: NodeId) => {
      cancel = attempt(nodeId, scheduler.now(), (err, reply) => {
        cancel = undefined;
        if (err) return sub.error(err);
        sub.next(reply!);
        sub.complete();
      });
    };
    const picked = ctx.select(tried, scheduler.now(), busy);
    if (picked !== undefined) go(picked);
    else {
      const noNode = () => new NoEligibleNodeError(scheduler.now() - start, lastErrors);
      sub.add(
        waitForNode(
          () => ctx.select(tried, scheduler.now()),
          ctx.changes$,
          scheduler,
          deadline,
          noNode,
        ).subscribe({
          next: go,
          error: (err) => sub.error(err),
        }),
      );
    }
    return () => cancel?.();
  });

  const shouldRetry = (err: unknown) =>
    !ctx.isClosing() &&
    health.hardFailures < poisonAfter &&
    isRetryable(err) &&
    (idempotent || !classifyError(err).maybeSent);

  const slowPath = (firstError: RouterError | undefined): Subscription => {
    let pending = firstError;
    let source$ = defer(() => {
      if (pending === undefined) return attempt$;
      const err = pending;
      pending = undefined;
      return throwError(() => err);
    });
    if (hedging) {
      const fixedMs = hedgeOverrides?.delayMs;
      source$ = source$.pipe(
        hedge<Message>({
          delayMs: () => fixedMs ?? ctx.hedge.delayMs(),
          maxAttempts: maxCopies,
          // no new copy once close() has begun (in-flight requests drain, nothing new is sent), and a copy only
          // for a node this request has not tried: never an instant re-send to the node that just failed
          budget: { tryWithdraw: () => !ctx.isClosing() && ctx.hedge.tryHedge(tried) },
          isNonFatal: shouldRetry,
          onHedge: (copy) => {
            hedgeCopy = copy;
          },
          onWin: (copy) => {
            raceWon = true;
            if (copy > 1 && ctx.listening())
              ctx.emit({
                type: 'hedgeWon',
                at: scheduler.now(),
                requestId,
                nodeId: lastNode!,
                attempt: copy,
              });
          },
          scheduler,
        }),
      );
    }
    const pipeline = source$
      .pipe(
        retryBackoff<Message>({
          ...ctx.retry,
          deadline,
          depositOnSubscribe: false,
          shouldRetry,
          // not sent: no node saw it, so retrying adds no load there — always retried (docs/api.md), budget-free
          // (a node's own retryable error reply was seen by the node: that retry is paid for like any other)
          budgetFree: (err) => !(err instanceof RemoteError) && !classifyError(err).maybeSent,
          onRetry: (r) => {
            if (!ctx.listening()) return;
            ctx.emit({
              type: 'retryScheduled',
              at: scheduler.now(),
              requestId,
              nodeId: lastNode!,
              attempt: r.attempt,
              delayMs: r.delayMs,
              code: (r.error as RouterError).code ?? 'ERR_UNKNOWN',
            });
          },
        }),
      )
      .subscribe({ next: succeed, error: fail });
    // close() drains requests in flight; one waiting for a node or for its next retry ends at once — unless nodes
    // are still being contacted for the first time (close() right after createRouter and request$): that request
    // is drained too, bounded by its deadline. No retry starts after close() either way (`shouldRetry`).
    const closing = ctx.closing$.subscribe(() => {
      if (sending || ctx.firstContactPending()) return;
      pipeline.unsubscribe();
      fail(ctx.closedError());
    });
    pipeline.add(closing);
    return pipeline;
  };

  ctx.retry.budget?.deposit();
  if (hedging) ctx.hedge.deposit();
  const first = hedging ? undefined : ctx.select(tried, start);
  if (first === undefined) {
    const slow = slowPath(undefined);
    return () => slow.unsubscribe();
  }
  let rest: Subscription | undefined;
  const cancel = attempt(first, start, (err, reply) => {
    if (!err) succeed(reply!);
    else rest = slowPath(err);
  });
  return () => {
    cancel();
    rest?.unsubscribe();
  };
}
