import type { RouterError } from '../errors.js';
import type { Message } from '../wire/message.js';
import type { Cancellable } from './cancellable.js';
import type { ReplySink } from './reply-sink.js';

/** Tells `sink` its request failed with `err` before it was taken; returns the (no-op) handle of a settled request. */
export function settleAtOnce(
  sink: ((err: RouterError | undefined, reply?: Message) => void) | ReplySink,
  err: RouterError,
): Cancellable {
  if (typeof sink === 'function') sink(err);
  else sink.settle(err);
  return settledHandle;
}

/** The handle of a request that settled at once. */
const settledHandle: Cancellable = { cancel() {} };
