import {
  defer,
  Observable as Obs,
  type Observable,
  type SchedulerLike,
  switchMap,
  throwError,
  timeout,
} from 'rxjs';
import { ErrorCode, isRetryable, RouterError } from '../errors.js';
import { type RetryBackoffConfig, retryBackoff } from '../operators/retry-backoff.js';
import { sendAsObservable } from '../transport/send-as-observable.js';
import type { NodeId } from '../types.js';
import type { Message, MessageType } from '../wire/message.js';
import { classifyError } from './classify-error.js';
import type { RouterEvent } from './router-event.js';

type Done = (err: RouterError | undefined, reply?: Message) => void;

/** What one request needs from its router. */
export interface RouteContext {
  readonly scheduler: SchedulerLike;
  readonly retry: RetryBackoffConfig;
  /** An eligible node, preferring those not yet tried; undefined when none is eligible. */
  chooseNode(tried: ReadonlySet<NodeId>): NodeId | undefined;
  /** Waits for an eligible node; `waiting.now` is true meanwhile. Errors with ERR_ROUTER_CLOSED on close. */
  waitForNode(tried: ReadonlySet<NodeId>, waiting: { now: boolean }): Observable<NodeId>;
  /** Sends on the node's pool and reports the outcome to node health. */
  sendOn(nodeId: NodeId, type: MessageType, payload: Uint8Array, timeoutMs: number, done: Done): () => void;
  /** Emits an event when anyone listens. */
  emit(event: () => RouterEvent): void;
  /** Emits once when the router starts closing. */
  readonly closing$: Observable<void>;
  /** The error of a request cut short by `close()`. */
  closedError(): RouterError;
}

/**
 * One routed request. The first attempt runs straight on the chosen node's pool (no operator chain: the hot
 * path). When it fails retryably — or no node is eligible — the request continues through {@link retryBackoff}
 * (the first error counts as attempt 1, so the delays are exactly the policy's), each retry preferring a node
 * not yet tried, and the whole request, waiting included, is bounded by `limitMs`.
 */
export function routeRequest(
  ctx: RouteContext,
  payload: Uint8Array,
  type: MessageType,
  limitMs: number,
  idempotent: boolean,
): Observable<Message> {
  return new Obs<Message>((subscriber) => {
    const { scheduler } = ctx;
    const start = scheduler.now();
    const tried = new Set<NodeId>();
    let attempts = 0;
    let lastNode = 0;
    const succeed = (reply: Message) => {
      ctx.emit(() => ({
        type: 'requestSucceeded',
        at: scheduler.now(),
        nodeId: lastNode,
        durationMs: scheduler.now() - start,
        attempts,
      }));
      subscriber.next(reply);
      subscriber.complete();
    };
    const fail = (err: RouterError) => {
      ctx.emit(() => ({
        type: 'requestFailed',
        at: scheduler.now(),
        code: err.code ?? 'ERR_UNKNOWN',
        attempts,
      }));
      subscriber.error(err);
    };
    const retryable = (err: unknown) => isRetryable(err) && (idempotent || !classifyError(err).maybeSent);
    // The shared budget is paid here, once per retry actually made; every request earns it once, below.
    const { budget, ...policy } = ctx.retry;
    const shouldRetry = (err: unknown) => retryable(err) && (budget?.tryWithdraw() ?? true);
    budget?.deposit();

    const slowPath = (firstError: RouterError | undefined) => {
      const waiting = { now: false };
      let sending = false;
      let closing = false;
      const attempt$ = defer(() => {
        if (firstError) {
          const err = firstError;
          firstError = undefined;
          return throwError(() => err);
        }
        attempts++;
        const picked = ctx.chooseNode(tried);
        const node$ = picked === undefined ? ctx.waitForNode(tried, waiting) : [picked];
        return defer(() => node$).pipe(
          switchMap((nodeId) => {
            tried.add(nodeId);
            lastNode = nodeId;
            const left = Math.max(1, start + limitMs - scheduler.now());
            return sendAsObservable((done) => {
              sending = true;
              return ctx.sendOn(nodeId, type, payload, left, (err, reply) => {
                sending = false;
                done(err, reply);
              });
            });
          }),
        );
      });
      // close() drains requests in flight; one waiting for a node or for its next retry ends at once.
      const closed = ctx.closing$.subscribe(() => {
        closing = true;
        if (!sending) {
          pipeline.unsubscribe();
          fail(ctx.closedError());
        }
      });
      const pipeline = attempt$
        .pipe(
          retryBackoff<Message>({
            ...policy,
            shouldRetry: (err) => !closing && shouldRetry(err),
            onRetry: (r) =>
              ctx.emit(() => ({
                type: 'retryScheduled',
                at: scheduler.now(),
                attempt: r.attempt,
                delayMs: r.delayMs,
                code: (r.error as RouterError).code ?? 'ERR_UNKNOWN',
              })),
          }),
          timeout({
            first: Math.max(0, start + limitMs - scheduler.now()),
            scheduler,
            with: () =>
              throwError(() =>
                waiting.now
                  ? new RouterError(ErrorCode.NoEligibleNode, `no eligible node within ${limitMs} ms`, {
                      retryable: true,
                    })
                  : new RouterError(ErrorCode.RequestTimeout, `request timed out after ${limitMs} ms`, {
                      retryable: true,
                    }),
              ),
          }),
        )
        .subscribe({ next: succeed, error: fail });
      pipeline.add(closed);
      return pipeline;
    };

    const first = ctx.chooseNode(tried);
    if (first === undefined) return slowPath(undefined);
    attempts = 1;
    tried.add(first);
    lastNode = first;
    let rest: { unsubscribe(): void } | undefined;
    const cancel = ctx.sendOn(first, type, payload, limitMs, (err, reply) => {
      if (!err) return succeed(reply!);
      if (retryable(err) && (policy.maxRetries ?? 3) > 0) rest = slowPath(err);
      else fail(err);
    });
    return () => {
      cancel();
      rest?.unsubscribe();
    };
  });
}
