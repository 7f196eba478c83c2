import type { Subscriber, Unsubscribable } from 'rxjs';
import type { RouterError } from '../errors.js';
import type { NodeId } from '../types.js';
import type { Message, MessageType } from '../wire/message.js';
import { allRejectedError } from './all-rejected-error.js';
import { attemptTimeout } from './attempt-timeout.js';
import type { BreakIncident } from './break-incidents.js';
import { decide } from './decide.js';
import { type AttemptOwner, RequestAttempt } from './request-attempt.js';
import { requestEnd } from './request-end.js';
import { type RequestFacts, requestEvents } from './request-events.js';
import { RequestHedge } from './request-hedge.js';
import type { RequestParts } from './request-parts.js';
import { RequestSlowPath } from './request-slow-path.js';
import type { ResolvedRequestOptions } from './resolve-request-options.js';

/** Where a request is. */
export type RequestState = 'new' | 'waiting' | 'sending' | 'backoff' | 'done';

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
 *
 * Its steps, file by file: the fast path here (start, round, send, attemptDone, unsubscribe); a failure, a retry
 * and a wait for a node in `RequestSlowPath` (request-slow-path.ts, made on the first failure or wait); the end,
 * a reply or an error, in `requestEnd` (request-end.ts). Members not marked private are for those two only.
 */
export class RouterRequest implements AttemptOwner, RequestFacts, Unsubscribable {
  state: RequestState = 'new';
  readonly id: number;
  readonly deadline: number;
  readonly parts: RequestParts;
  readonly subscriber: Subscriber<Message>;
  private readonly payload: Uint8Array;
  private readonly options: ResolvedRequestOptions;
  readonly started: number;
  /** Copies per round when hedged (0: not hedged). */
  private readonly maxCopies: number;
  /** Its place in the shared hedge timer; only a request that may be hedged has one. */
  readonly hedge: RequestHedge | undefined;
  attempts = 0;
  private copies = 0;
  /**
   * Nodes tried, in order — made only when a second pick needs it (see `triedNodes`): until then the one node
   * tried is `lastNode`, and a request answered at its first attempt never makes the array.
   */
  private tried: NodeId[] = noNodes;
  /** Copies out now; the shared empty array when none (never pushed to: see `send`). */
  out: RequestAttempt[] = noAttempts;
  lastNode: NodeId | undefined;
  /** Nodes whose connection broke under this request, one after the other (health feedback counts them). */
  hardFailures = 0;
  /** Broken connections it was on, not yet counted against their nodes (health feedback's poison rule). */
  breaks: BreakIncident[] | undefined = undefined;
  /** What only a request that failed or waited needs: made on its first failure or wait. */
  slow: RequestSlowPath | undefined = undefined;
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
  round(): void {
    this.copies = 0;
    const node = this.parts.picker.pick(this.triedNodes(), none);
    if (node !== undefined) this.send(node);
    else if (this.parts.cluster.allRejected())
      requestEnd.fail(this, allRejectedError(this.slow?.lastErrors, this.parts.cluster));
    else this.slowState().waitForNode();
  }

  /** One copy on `nodeId`'s pool, with its attempt timeout; arms the shared hedge timer when hedged. */
  send(nodeId: NodeId): void {
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
      requestEnd.win(this, a, reply!);
      return;
    }
    const slow = this.slowState();
    slow.noteError(a.nodeId, err);
    parts.nodeErrors.record(a.nodeId, err, parts.config.scheduler.now());
    if (this.out.length > 0) {
      // other copies may still answer: wait for them — unless no retry could follow this error anyway
      if (
        decide({ kind: 'copy', error: err, closing: parts.life.closing, hardFailures: this.hardFailures })
          .wait
      )
        return;
      this.cancelOut();
      requestEnd.fail(this, err);
      return;
    }
    slow.failed(err);
  }

  /** Stops whatever it waits for: the hedge timer's entry, the backoff or the wait for a node, close()'s watch. */
  stopWaiting(): void {
    if (this.hedge) this.parts.hedging.timer.remove(this.hedge);
    this.slow?.stop();
  }

  /** Takes the copies out now (the winner's losers), leaving none. */
  takeOut(): RequestAttempt[] {
    const out = this.out;
    this.out = noAttempts;
    return out;
  }

  private cancelOut(): void {
    for (const o of this.out) {
      o.settled = true;
      o.cancel();
    }
    this.out = noAttempts;
  }

  /** The nodes tried so far (the array is made here, from `lastNode`, once a second pick needs it). */
  triedNodes(): NodeId[] {
    if (this.tried.length === 0 && this.attempts > 0) this.tried = [this.lastNode!];
    return this.tried;
  }

  private slowState(): RequestSlowPath {
    return (this.slow ??= new RequestSlowPath(this));
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
