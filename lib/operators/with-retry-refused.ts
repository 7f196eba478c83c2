import { RouterError } from '../errors.js';

/**
 * The error a request fails with when the retry budget refused its retry: a copy of `error` (same class, code,
 * message, cause and fields) carrying `retryRefused: reason`. A copy, because one error object may fail several
 * requests at once (every request on a lost connection) and only this one was refused. An error that is not a
 * RouterError (thrown by user code) is returned unchanged.
 */
export function withRetryRefused<E>(error: E, reason: 'budget'): E {
  if (!(error instanceof RouterError)) return error;
  const copy = Object.create(Object.getPrototypeOf(error), Object.getOwnPropertyDescriptors(error)) as E;
  Object.defineProperty(copy, 'retryRefused', { value: reason, enumerable: true });
  return copy;
}
