import type { Subscription } from 'rxjs';
import { ErrorCode, type RouterError } from '../errors.js';
import type { Backoff } from '../operators/backoff.js';
import type { NodeId } from '../types.js';
import { allRejectedError } from './all-rejected-error.js';
import { decide } from './decide.js';
import { NoEligibleNodeError } from './no-eligible-node-error.js';
import type { RouterRequest } from './request.js';
import { requestEnd } from './request-end.js';
import { requestEvents } from './request-events.js';
import { waitForNode } from './wait-for-node.js';

const start: Backoff = Object.freeze({ attempt: 0, delayMs: 0 });

/**
 * A request's slow path: what only a request that failed or waited needs — its retry state, its nodes' last
 * errors, the backoff timer or the wait for a node, the watch on close(). Made on the request's first failure or
 * wait (a request answered at its first attempt never makes one); the request stays the one state machine.
 * ```
 * error ─► failed ─► decide ─retry─► backoff (one scheduler timer) ─► request.round()
 *                           └─no──► end: fail (the attempt's error)
 * no node ─► waitForNode ─node─► request.send(node)   (ERR_NO_ELIGIBLE_NODE at the deadline)
 * close() while in backoff or waiting ─► ERR_ROUTER_CLOSED (nodes awaiting their first contact: drained until
 *                                         it is over, then sent, or ERR_NO_ELIGIBLE_NODE at once)
 * ```
 */
export class RequestSlowPath {
  retry: Backoff = start;
  /** Each node's last error for this request, in the order the nodes last failed. */
  lastErrors: Map<NodeId, unknown> | undefined = undefined;
  /** The backoff timer, or the wait for a node. */
  timer: Subscription | undefined = undefined;
  /** Watches close() while waiting. */
  watch: Subscription | undefined = undefined;
  private readonly request: RouterRequest;

  constructor(request: RouterRequest) {
    this.request = request;
  }

  /** Notes `err` as `nodeId`'s last error for this request (moved to the end of the order). */
  noteError(nodeId: NodeId, err: RouterError): void {
    const lastErrors = (this.lastErrors ??= new Map());
    lastErrors.delete(nodeId);
    lastErrors.set(nodeId, err);
  }

  /** The round ended with `err` and nothing out: a retry after a backoff, or the end. */
  failed(err: RouterError): void {
    const r = this.request;
    const { parts } = r;
    const { config } = parts;
    if (r.hedge) parts.hedging.timer.remove(r.hedge);
    const d = decide({
      kind: 'retry',
      error: err,
      state: this.retry,
      policy: config.retry,
      random: config.random,
      now: config.scheduler.now(),
      deadline: r.deadline,
      idempotent: r.idempotent,
      closing: parts.life.closing,
      hardFailures: r.hardFailures,
      budget: parts.budget,
    });
    if (!d.retry) {
      requestEnd.fail(r, err, d.reason);
      return;
    }
    this.retry = d.next;
    if (parts.events.observed) requestEvents.retry(parts, r, d.next.attempt, d.next.delayMs, err);
    r.state = 'backoff';
    this.watchClosing();
    this.timer = config.scheduler.schedule(() => {
      this.timer = undefined;
      r.stopWaiting();
      r.round();
    }, d.next.delayMs);
  }

  /** No node to pick: wait for one on the cluster's changes, by the request's deadline. */
  waitForNode(): void {
    const r = this.request;
    const { parts } = r;
    const { scheduler } = parts.config;
    r.state = 'waiting';
    this.watchClosing();
    const noNode = () =>
      new NoEligibleNodeError(
        scheduler.now() - r.started,
        this.lastErrors ?? new Map<NodeId, unknown>(),
        parts.nodeErrors.detail(),
      );
    this.timer = waitForNode(
      () => parts.picker.pick(r.triedNodes(), none),
      parts.changes$,
      scheduler,
      r.deadline,
      noNode,
      () => this.giveUp(noNode),
    ).subscribe({
      next: (node) => {
        r.stopWaiting();
        r.send(node);
      },
      error: (err: RouterError) => {
        r.stopWaiting();
        if (err.code === ErrorCode.AuthFailed || parts.life.closing) requestEnd.fail(r, err);
        else this.failed(err);
      },
    });
  }

  /**
   * Why no node will come, if none will: every node rejected the credentials; or close() was called while nodes
   * were still being contacted for the first time (the request was drained like one in flight) and that first
   * contact is over without a node to send to — then the request fails now with what its deadline would have
   * given (`noNode`: ERR_NO_ELIGIBLE_NODE naming each node and its error), not after waiting for it.
   */
  private giveUp(noNode: () => RouterError): RouterError | undefined {
    const { parts } = this.request;
    if (parts.cluster.allRejected()) return allRejectedError(this.lastErrors, parts.cluster);
    if (parts.life.closing && !parts.cluster.firstContactPending()) return noNode();
    return undefined;
  }

  /** Stops the backoff timer or the wait, and the watch on close(). */
  stop(): void {
    this.timer?.unsubscribe();
    this.timer = undefined;
    this.watch?.unsubscribe();
    this.watch = undefined;
  }

  /** close() ends a request waiting for a node or a backoff — unless nodes still await their first contact. */
  private watchClosing(): void {
    const { parts } = this.request;
    this.watch ??= parts.life.closing$.subscribe(() => {
      if (parts.cluster.firstContactPending()) return;
      this.request.stopWaiting();
      requestEnd.fail(this.request, parts.life.closedError());
    });
  }
}

const none: readonly NodeId[] = [];
