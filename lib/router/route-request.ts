import { Observable, type Subscriber, type TeardownLogic } from 'rxjs';
import { ErrorCode, RouterError } from '../errors.js';
import type { Message } from '../wire/message.js';
import { attachTeardown } from './attach-teardown.js';
import { RouterRequest } from './request.js';
import { requestBytes } from './request-bytes.js';
import type { RequestParts } from './request-parts.js';
import { type ResolvedRequestOptions, resolveRequestOptions } from './resolve-request-options.js';
import { configError } from './validate-config.js';

/**
 * `router.request$()`: a cold Observable; each subscription validates the payload and options (a typed error,
 * nothing sent), then runs one {@link RouterRequest} — the request's state machine — whose `unsubscribe` becomes
 * the subscription's teardown (unsubscribing cancels it; see `attachTeardown`). Nothing else is allocated around it: the Observable holds the call's
 * arguments and shares one subscribe function.
 *
 * ```
 * timeoutMs 1000, node 1 silent, node 2 answers in 5 ms (attempt timeout 500, backoff 100):
 * attempts:  1@node1 ^----------------!  2@node2 ^----!
 * time:      0                        500      600   605
 * output:    ------------------------------------------(r|)
 * ```
 */
export function routeRequest(parts: RequestParts, payload: unknown, options?: unknown): Observable<Message> {
  return new RequestObservable(parts, payload, options);
}

/**
 * The cold Observable of one `request$()` call: it holds its arguments, and its subscribe function is one shared
 * function (RxJS calls it with the Observable as `this`), so no closure is made per request.
 */
class RequestObservable extends Observable<Message> {
  constructor(
    readonly parts: RequestParts,
    readonly payload: unknown,
    readonly options: unknown,
  ) {
    super(subscribeRequest);
  }
}

function subscribeRequest(this: Observable<Message>, subscriber: Subscriber<Message>): TeardownLogic {
  const { parts, payload, options } = this as RequestObservable;
  const { life, config } = parts;
  if (life.closing) return subscriber.error(life.closedError());
  let bytes: Uint8Array;
  let resolved: ResolvedRequestOptions;
  // a hostile value (a revoked Proxy, a throwing getter) still fails this request with a typed error
  try {
    resolved = readable(options, config.timeoutMs);
  } catch (err) {
    return subscriber.error(typed(err, 'options'));
  }
  try {
    bytes = requestBytes(payload, config.maxMessageBytes);
  } catch (err) {
    return subscriber.error(typed(err, 'payload'));
  }
  const request = new RouterRequest(parts, subscriber, bytes, resolved);
  request.start();
  return attachTeardown(subscriber, request);
}

const defaults = new Map<number, ResolvedRequestOptions>();

/** The request's options resolved; no options at all share one frozen value per timeout. */
function readable(options: unknown, timeoutMs: number): ResolvedRequestOptions {
  if (options !== undefined) return resolveRequestOptions(options, timeoutMs, configError);
  let d = defaults.get(timeoutMs);
  if (!d) {
    d = Object.freeze(resolveRequestOptions(undefined, timeoutMs, configError));
    if (defaults.size < 64) defaults.set(timeoutMs, d);
  }
  return d;
}

function typed(err: unknown, what: 'payload' | 'options'): RouterError {
  if (err instanceof RouterError) return err;
  const code = what === 'options' ? ErrorCode.Config : ErrorCode.InvalidPayload;
  const name = what === 'options' ? 'request options' : 'payload';
  return new RouterError(code, `the ${name} could not be read: ${(err as Error)?.message ?? 'unknown'}`, {
    cause: err,
  });
}
