import { Observable } from 'rxjs';
import type { RouterError } from '../errors.js';
import type { Message } from '../wire/message.js';

/** A callback-style send, as connections and pools have: calls `done` once, returns a cancel function. */
export type SendFunction = (done: (err: RouterError | undefined, reply?: Message) => void) => () => void;

/** Wraps one send as a cold Observable: one reply then complete, or the error; unsubscribing cancels it. */
export function sendAsObservable(send: SendFunction): Observable<Message> {
  return new Observable<Message>((subscriber) =>
    send((err, reply) => {
      if (err) return subscriber.error(err);
      subscriber.next(reply!);
      subscriber.complete();
    }),
  );
}
