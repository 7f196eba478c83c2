import type { RouterError } from '../errors.js';
import type { NodeId } from '../types.js';
import type { MessageType } from '../wire/message.js';
import { poisonAfter } from './decide.js';
import type { RequestParts } from './request-parts.js';

/** What the events of one request say about it (a `RouterRequest` is one). */
export interface RequestFacts {
  readonly id: number;
  readonly started: number;
  readonly type: MessageType;
  readonly idempotent: boolean;
  readonly timeoutMs: number;
  readonly attempts: number;
  readonly lastNode: NodeId | undefined;
  readonly hardFailures: number;
}

/**
 * The `events$` of a request's life, one function per event, each called only while someone listens
 * (`parts.events.observed`: nothing is built otherwise).
 */
export const requestEvents = {
  started({ events }: RequestParts, r: RequestFacts): void {
    const { id: requestId, started: at, type: messageType, idempotent, timeoutMs } = r;
    events.next({ type: 'requestStarted', at, requestId, messageType, idempotent, timeoutMs });
  },

  attempt({ events }: RequestParts, r: RequestFacts, nodeId: NodeId, at: number, copy: number): void {
    events.next({ type: 'attemptStarted', at, requestId: r.id, nodeId, attempt: r.attempts });
    if (copy > 1) events.next({ type: 'hedgeSent', at, requestId: r.id, nodeId, attempt: copy });
  },

  retry(p: RequestParts, r: RequestFacts, attempt: number, delayMs: number, err: RouterError): void {
    const at = p.config.scheduler.now();
    const code = err.code ?? 'ERR_UNKNOWN';
    p.events.next({
      type: 'retryScheduled',
      at,
      requestId: r.id,
      nodeId: r.lastNode!,
      attempt,
      delayMs,
      code,
    });
  },

  refused(p: RequestParts, r: RequestFacts, reason: 'budget', err: RouterError): void {
    const at = p.config.scheduler.now();
    const code = err.code ?? 'ERR_UNKNOWN';
    p.events.next({ type: 'retryRefused', at, requestId: r.id, nodeId: r.lastNode!, reason, code });
  },

  won(p: RequestParts, r: RequestFacts, nodeId: NodeId, copy: number): void {
    const at = p.config.scheduler.now();
    p.events.next({ type: 'hedgeWon', at, requestId: r.id, nodeId, attempt: copy });
  },

  succeeded(p: RequestParts, r: RequestFacts, nodeId: NodeId): void {
    const at = p.config.scheduler.now();
    const durationMs = at - r.started;
    p.events.next({
      type: 'requestSucceeded',
      at,
      requestId: r.id,
      nodeId,
      durationMs,
      attempts: r.attempts,
    });
  },

  failed(p: RequestParts, r: RequestFacts, err: RouterError): void {
    const at = p.config.scheduler.now();
    p.events.next({
      type: 'requestFailed',
      at,
      requestId: r.id,
      ...(r.lastNode === undefined ? {} : { nodeId: r.lastNode }),
      code: err.code ?? 'ERR_UNKNOWN',
      durationMs: at - r.started,
      attempts: r.attempts,
      ...(r.hardFailures >= poisonAfter ? { poison: true as const } : {}),
    });
  },
};
