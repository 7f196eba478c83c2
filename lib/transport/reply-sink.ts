import type { RouterError } from '../errors.js';
import type { Message } from '../wire/message.js';

/**
 * Where a connection delivers a request's outcome, as an object (the pool's request is one) instead of a
 * callback closure: `settle` is called exactly once, with the reply or a typed error.
 */
export interface ReplySink {
  settle(err: RouterError | undefined, reply?: Message): void;
}
