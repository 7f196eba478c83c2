import { EmptyError, type Observable } from 'rxjs';
import { ConfigError, ErrorCode, RouterError } from '../errors.js';
import type { Message } from '../wire/message.js';
import { AbortedError } from './aborted-error.js';
import { watchAbort } from './watch-abort.js';

type Request$ = (payload: unknown, options?: unknown) => Observable<Message>;

/**
 * `router.request(payload, options)`: `request$` as a promise, plus `options.signal`. An `AbortSignal` already
 * aborted rejects at once with `ERR_ABORTED` and nothing is sent; one that fires later unsubscribes the request
 * (its slot freed, a late reply dropped) and rejects with `ERR_ABORTED` (`cause`: `signal.reason`). A request
 * stops watching the signal when it settles either way, and a signal shared by many requests in flight holds
 * one listener for all of them (`watchAbort`). Every other option goes to `request$` unchanged.
 */
export function requestPromise(request$: Request$, payload: unknown, options?: unknown): Promise<Message> {
  let signal: AbortSignal | undefined;
  let rest = options;
  try {
    if (typeof options === 'object' && options !== null && !Array.isArray(options) && 'signal' in options) {
      const { signal: given, ...others } = options as { signal?: unknown };
      if (given !== undefined && !isAbortSignal(given))
        return Promise.reject(new ConfigError('options.signal', given, 'an AbortSignal or undefined'));
      signal = given;
      rest = others;
    }
    if (signal?.aborted) return Promise.reject(new AbortedError(reasonOf(signal)));
  } catch (err) {
    // a hostile value (a revoked Proxy, a throwing getter) fails this request typed, as request$ does
    return Promise.reject(
      new RouterError(ErrorCode.Config, `the request options could not be read: ${(err as Error)?.message}`, {
        cause: err,
      }),
    );
  }
  return new Promise<Message>((resolve, reject) => {
    let reply: Message | undefined;
    let unwatch: (() => void) | undefined;
    const onAbort = () => {
      subscription.unsubscribe();
      reject(new AbortedError(reasonOf(signal!)));
    };
    const subscription = request$(payload, rest).subscribe({
      next: (m) => {
        reply = m;
      },
      error: (err) => {
        unwatch?.();
        reject(err);
      },
      complete: () => {
        unwatch?.();
        if (reply === undefined) reject(new EmptyError());
        else resolve(reply);
      },
    });
    if (!subscription.closed && signal) {
      unwatch = watchAbort(signal, onAbort);
      // the signal may have fired while the request was starting (an events$ listener, a synchronous reply
      // handler): a listener added to an aborted signal never runs, so look now
      if (signal.aborted) {
        unwatch();
        onAbort();
      }
    }
  });
}

function isAbortSignal(value: unknown): value is AbortSignal {
  const s = value as Partial<AbortSignal> | null;
  // duck-typed: a signal from another realm (a vm context, a polyfill) works too
  return (
    typeof s === 'object' &&
    s !== null &&
    typeof s.aborted === 'boolean' &&
    typeof s.addEventListener === 'function' &&
    typeof s.removeEventListener === 'function'
  );
}

/** `signal.reason`, or undefined when reading it throws (a hostile signal must not throw from a listener). */
function reasonOf(signal: AbortSignal): unknown {
  try {
    return signal.reason;
  } catch {
    return undefined;
  }
}
