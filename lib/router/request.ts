import type { Subscriber, Subscription, Unsubscribable } from 'rxjs';
import { ErrorCode, RouterError } from '../errors.js';
import type { Backoff } from '../operators/backoff.js';
import type { RetryRefusal } from '../operators/retry-decision.js';
import { withRetryRefused } from '../operators/with-retry-refused.js';
import type { NodeId } from '../types.js';
import type { Message, MessageType } from '../wire/message.js';
import { attemptTimeout } from './attempt-timeout.js';
import type { BreakIncident } from './break-incidents.js';
import { decide } from './decide.js';
import { NoEligibleNodeError } from './no-eligible-node-error.js';
import { type AttemptOwner, RequestAttempt } from './request-attempt.js';
import { type RequestFacts, requestEvents } from './request-events.js';
import { RequestHedge } from './request-hedge.js';
import type { RequestParts } from './request-parts.js';
import type { ResolvedRequestOptions } from './resolve-request-options.js';
import { waitForNode } from './wait-for-node.js';
import { withNodeDetail } from './with-node-detail.js';

/** Where a request is. */
export type RequestState = 'new' | 'waiting' | 'sending' | 'backoff' | 'done';

const start: Backoff = Object.freeze({ attempt: 0, delayMs: 0 });

/** A request's state once it failed or waited (a request answered at once never makes one). */
interface SlowState {
  retry: Backoff;
  /** Each node's last error for this request, in the order the nodes last failed. */
  lastErrors: Map<NodeId, unknown> | undefined;
  /** The backoff timer, or the wait for a node. */
  timer: Subscription | undefined;
  /** Watches close() while waiting. */
  watch: Subscription | undefined;
}

/**
 * One request: a small state machine, one object, plain code inside a cold Observable (see `routeRequest`).
 * ```
 * new ─► sending ─reply─► done            a request that succeeds at once: no timer of its own, no operators
 *  │        │ └─error─► decide ─retry─► backoff ─► (pick) sending | waiting
 *  │        │                    └─no──► done (its error: the last attempt's)
 *  │        └─hedge due (shared HedgeTimer) ─► decide ─copy─► sending (one more copy; first reply wins)
 *  └─no eligible node─► waiting ─node─► sending   (ERR_NO_ELIGIBLE_NODE at the deadline)
 * ```
 * One absolute deadline (`now + timeoutMs`, computed once) bounds every wait: for a node, for a connection and
 * a reply (each attempt's pool deadline is the earlier of it and the attempt timeout), for a backoff (`decide`
 * makes no retry whose wait reaches it). close() drains a request in flight; one waiting for a node or in
 * backoff ends at once with `ERR_ROUTER_CLOSED` (unless nodes are still being contacted for the first time).
 */
export class RouterRequest implements AttemptOwner, RequestFacts, Unsubscribable {
  state: RequestState = 'new';
  readonly id: number;
  readonly deadline: number;
  private readonly parts: RequestParts;
  private readonly subscriber: Subscriber<Message>;
  private readonly payload: Uint8Array;
  private readonly options: ResolvedRequestOptions;
  readonly started: number;
  /** Copies per round when hedged (0: not hedged). */
  private readonly maxCopies: number;
  /** Its place in the shared hedge timer; only a request that may be hedged has one. */
  private readonly hedge: RequestHedge | undefined;
  attempts = 0;
  private copies = 0;
  /**
   * Nodes tried, in order — made only when a second pick needs it (see `triedNodes`): until then the one node
   * tried is `lastNode`, and a request answered at its first attempt never makes the array.
   */
  private tried: NodeId[] = noNodes;
  /** Copies out now; the shared empty array when none (never pushed to: see `send`). */
  private out: RequestAttempt[] = noAttempts;
  lastNode: NodeId | undefined;
  /** Nodes whose connection broke under this request, one after the other (health feedback counts them). */
  hardFailures = 0;
  /** Broken connections it was on, not yet counted against their nodes (health feedback's poison rule). */
  breaks: BreakIncident[] | undefined = undefined;
  /** What only a request that failed or waited needs: made on its first failure or wait. */
  private slow: SlowState | undefined = undefined;
  private ended = false;

  constructor(
    parts: RequestParts,
    subscriber: Subscriber<Message>,
    payload: Uint8Array,
    options: ResolvedRequestOptions,
  ) {
    this.parts = parts;
    this.subscriber = subscriber;
    this.payload = payload;
    this.options = options;
    const hedging = parts.hedging;
    const own = options.hedge || undefined;
    const copies = own?.maxAttempts ?? hedging.maxAttempts;
    const on = options.hedge === undefined ? hedging.enabled : options.hedge !== false;
    this.maxCopies = options.idempotent && on && copies > 1 ? copies : 0;
    this.hedge = this.maxCopies > 0 ? new RequestHedge(this, own?.delayMs) : undefined;
    this.started = parts.config.scheduler.now();
    this.deadline = this.started + options.timeoutMs;
    this.id = ++parts.ids.last;
  }

  get type(): MessageType {
    return this.options.type as MessageType;
  }

  get timeoutMs(): number {
    return this.options.timeoutMs;
  }

  get idempotent(): boolean {
    return this.options.idempotent;
  }

  /** Counts the request in and sends its first attempt (or waits for a node). */
  start(): void {
    const { parts } = this;
    parts.life.enter();
    if (parts.events.observed) requestEvents.started(parts, this);
    parts.budget?.deposit();
    if (this.maxCopies > 0) parts.hedging.budget.deposit();
    this.round();
  }

  /** The subscription's teardown (unsubscribe, or the end): cancels what is still out, counts the request out. */
  unsubscribe(): void {
    if (this.ended) return;
    this.ended = true;
    this.state = 'done';
    this.stopWaiting();
    for (const a of this.out) {
      a.settled = true;
      a.cancel();
    }
    this.out = noAttempts;
    this.parts.feedback.ended(this);
    this.parts.life.leave();
  }

  /** A round of attempts: the first copy now, on a node picked now, or a wait for one. */
  private round(): void {
    this.copies = 0;
    const node = this.parts.picker.pick(this.triedNodes(), none);
    if (node !== undefined) this.send(node);
    else if (this.parts.cluster.allRejected()) this.fail(this.authError());
    else this.waitForNode();
  }

  private send(nodeId: NodeId): void {
    const { parts } = this;
    const { config } = parts;
    // the first attempt leaves in the tick the request was made: its clock reading serves
    const now = this.state === 'new' ? this.started : config.scheduler.now();
    if (this.attempts > 0) {
      const tried = this.triedNodes();
      if (!tried.includes(nodeId)) tried.push(nodeId);
    }
    this.attempts++;
    const copy = ++this.copies;
    this.lastNode = nodeId;
    if (parts.events.observed) requestEvents.attempt(parts, this, nodeId, now, copy);
    const { pool } = config;
    const ms = attemptTimeout({
      configuredMs: config.retry.attemptTimeoutMs,
      healthTimeoutMs: config.health.timeoutMs,
      latencyMs: parts.cluster.rttOf(nodeId),
      requestTimeoutMs: this.timeoutMs,
      canRetry: this.idempotent && config.retry.maxRetries > 0,
      remainingMs: this.deadline - now,
      queued: parts.cluster.loadOf(nodeId) >= pool.maxConnections * pool.maxInFlightPerConnection,
    });
    const attempt = new RequestAttempt(this, nodeId, now, ms, copy);
    if (this.out.length === 0) this.out = [attempt];
    else this.out.push(attempt);
    this.state = 'sending';
    const handle = parts.nodes.send(
      nodeId,
      this.type,
      this.payload,
      Math.min(this.deadline, now + ms),
      attempt,
    );
    if (attempt.settled) return; // answered (or failed) synchronously
    attempt.handle = handle;
    if (copy < this.maxCopies) {
      const delay = Math.max(0, this.hedge!.delayMs ?? parts.hedging.delayMs());
      if (Number.isFinite(delay)) parts.hedging.timer.add(this.hedge!, now + delay);
    }
  }

  /** The shared hedge timer says this request's hedge is due: one more copy, if `decide` allows it. */
  hedgeDue(): void {
    if (this.state !== 'sending') return;
    const { parts } = this;
    const node = parts.picker.pick(this.triedNodes(), this.busy(), true);
    const d = decide({
      kind: 'hedge',
      copies: this.copies,
      maxCopies: this.maxCopies,
      closing: parts.life.closing,
      freshNode: node !== undefined,
      retryBudgetSpare: !parts.budget || parts.budget.available >= 1,
      hedgeBudget: parts.hedging.budget,
    });
    if (d.hedge) this.send(node!);
  }

  attemptDone(a: RequestAttempt, err: RouterError | undefined, reply: Message | undefined): void {
    const { parts } = this;
    const recording = parts.hedging.enabled || this.maxCopies > 0;
    if (!err && recording) parts.hedging.record(a.nodeId, parts.config.scheduler.now() - a.at);
    if (a.detached) {
      // a copy that lost the hedge race, kept only so its node is judged by what it does
      a.detached.unsubscribe();
      parts.feedback.attempt(a.nodeId, err, a.timeoutMs, undefined);
      return;
    }
    if (a.settled) return;
    a.settled = true;
    if (this.out.length === 1) this.out = noAttempts;
    else this.out.splice(this.out.indexOf(a), 1);
    // A connection that broke while another copy of this request was still out is not held against the request
    // (one event — a restart, a network blip — can break two nodes at once): only breaks in sequence make it a
    // poison suspect. The node is judged either way.
    parts.feedback.attempt(a.nodeId, err, a.timeoutMs, this.out.length > 0 ? undefined : this);
    if (!err) {
      this.win(a, reply!);
      return;
    }
    const lastErrors = (this.slowState().lastErrors ??= new Map());
    lastErrors.delete(a.nodeId);
    lastErrors.set(a.nodeId, err);
    parts.nodeErrors.record(a.nodeId, err, parts.config.scheduler.now());
    if (this.out.length > 0) {
      // other copies may still answer: wait for them — unless no retry could follow this error anyway
      if (
        decide({ kind: 'copy', error: err, closing: parts.life.closing, hardFailures: this.hardFailures })
          .wait
      )
        return;
      this.cancelOut();
      this.fail(err);
      return;
    }
    this.failed(err);
  }

  /** The round ended with `err` and nothing out: a retry after a backoff, or the end. */
  private failed(err: RouterError): void {
    const { parts } = this;
    const { config } = parts;
    if (this.hedge) parts.hedging.timer.remove(this.hedge);
    const slow = this.slowState();
    const d = decide({
      kind: 'retry',
      error: err,
      state: slow.retry,
      policy: config.retry,
      random: config.random,
      now: config.scheduler.now(),
      deadline: this.deadline,
      idempotent: this.idempotent,
      closing: parts.life.closing,
      hardFailures: this.hardFailures,
      budget: parts.budget,
    });
    if (!d.retry) {
      this.fail(err, d.reason);
      return;
    }
    slow.retry = d.next;
    if (parts.events.observed) requestEvents.retry(parts, this, d.next.attempt, d.next.delayMs, err);
    this.state = 'backoff';
    this.watchClosing();
    slow.timer = config.scheduler.schedule(() => {
      slow.timer = undefined;
      this.stopWaiting();
      this.round();
    }, d.next.delayMs);
  }

  private waitForNode(): void {
    const { parts } = this;
    const { scheduler } = parts.config;
    this.state = 'waiting';
    this.watchClosing();
    const slow = this.slowState();
    const noNode = () =>
      new NoEligibleNodeError(
        scheduler.now() - this.started,
        slow.lastErrors ?? new Map<NodeId, unknown>(),
        parts.nodeErrors.detail(),
      );
    slow.timer = waitForNode(
      () => parts.picker.pick(this.triedNodes(), none),
      parts.changes$,
      scheduler,
      this.deadline,
      noNode,
      () => (parts.cluster.allRejected() ? this.authError() : undefined),
    ).subscribe({
      next: (node) => {
        this.stopWaiting();
        this.send(node);
      },
      error: (err: RouterError) => {
        this.stopWaiting();
        if (err.code === ErrorCode.AuthFailed) this.fail(err);
        else this.failed(err);
      },
    });
  }

  /** Every node rejected the credentials: the last rejection this request saw, else one naming the nodes. */
  private authError(): RouterError {
    for (const err of this.slow?.lastErrors?.values() ?? [])
      if ((err as RouterError).code === ErrorCode.AuthFailed) return err as RouterError;
    const ids = [...(this.parts.cluster.latest?.nodes.keys() ?? [])].join(', ');
    return new RouterError(
      ErrorCode.AuthFailed,
      `every node rejected the router's credentials (nodes ${ids})`,
    );
  }

  /** close() ends a request waiting for a node or a backoff — unless nodes still await their first contact. */
  private watchClosing(): void {
    this.slowState().watch ??= this.parts.life.closing$.subscribe(() => {
      if (this.parts.cluster.firstContactPending()) return;
      this.stopWaiting();
      this.fail(this.parts.life.closedError());
    });
  }

  private stopWaiting(): void {
    if (this.hedge) this.parts.hedging.timer.remove(this.hedge);
    const slow = this.slow;
    if (slow === undefined) return;
    slow.timer?.unsubscribe();
    slow.timer = undefined;
    slow.watch?.unsubscribe();
    slow.watch = undefined;
  }

  /** Copies still out when another wins stay on their node (detached) until their timeout; close() cancels them. */
  private win(a: RequestAttempt, reply: Message): void {
    const { parts } = this;
    this.lastNode = a.nodeId;
    const losers = this.out;
    this.out = noAttempts;
    if (losers.length > 0 && a.copy > 1 && parts.events.observed)
      requestEvents.won(parts, this, a.nodeId, a.copy);
    for (const l of losers) {
      if (parts.life.closing) {
        l.settled = true;
        l.cancel();
      } else l.detached = parts.life.closing$.subscribe(() => l.cancel());
    }
    this.state = 'done';
    this.stopWaiting();
    if (parts.events.observed) requestEvents.succeeded(parts, this, a.nodeId);
    this.subscriber.next(reply);
    this.subscriber.complete();
  }

  /** Ends the request with `err`; `refused` says which rule refused a retry ('budget': see CONTRACT, Refused retry). */
  private fail(cause: RouterError, refused?: RetryRefusal | 'closing'): void {
    const { parts } = this;
    this.state = 'done';
    this.stopWaiting();
    let err = cause;
    if (refused === 'budget') {
      // a refused retry is visible: on the caller's error (a copy) and in events$ (CONTRACT, "Refused retry")
      err = withRetryRefused(cause, 'budget');
      if (parts.events.observed) requestEvents.refused(parts, this, 'budget', cause);
    }
    // gave up after retrying: the caller's error (a copy) lists every node tried and its last error there
    if (
      (refused === 'count' || refused === 'deadline' || refused === 'budget') &&
      this.attempts > 1 &&
      this.slow?.lastErrors &&
      err.nodes === undefined // ERR_NO_ELIGIBLE_NODE has its own list: every node
    )
      err = withNodeDetail(err, parts.nodeErrors.reportsOf(this.slow.lastErrors), this.attempts, refused);
    if (parts.events.observed) requestEvents.failed(parts, this, err);
    this.subscriber.error(err);
  }

  private cancelOut(): void {
    for (const o of this.out) {
      o.settled = true;
      o.cancel();
    }
    this.out = noAttempts;
  }

  /** The nodes tried so far (the array is made here, from `lastNode`, once a second pick needs it). */
  private triedNodes(): NodeId[] {
    if (this.tried.length === 0 && this.attempts > 0) this.tried = [this.lastNode!];
    return this.tried;
  }

  private slowState(): SlowState {
    return (this.slow ??= { retry: start, lastErrors: undefined, timer: undefined, watch: undefined });
  }

  /** Nodes with a copy of this request out. */
  private busy(): NodeId[] {
    return this.out.map((a) => a.nodeId);
  }
}

const none: readonly NodeId[] = [];
/** Shared empty arrays: replaced, never pushed to. */
const noNodes: NodeId[] = [];
const noAttempts: RequestAttempt[] = [];
