import { Observable, type OperatorFunction } from 'rxjs';
import { FrameDecoder, type FrameDecoderOptions } from '../wire/frame-decoder.js';
import type { Message } from '../wire/message.js';

/**
 * Turns a stream of byte chunks, cut any way, into whole messages; a malformed frame errors the stream with the
 * codec's `RouterError` (the framing is lost after it). Each subscription gets its own decoder.
 * ```
 * chunks:   --a--b-----c---|     a holds frame 1 and a bit of frame 2, b more of it, c the rest
 * messages: --1--------(23)|     frame 1 complete in a, frame 2 only once c arrives
 * ```
 */
export function decodeFrames(options: FrameDecoderOptions = {}): OperatorFunction<Uint8Array, Message> {
  return (source) =>
    new Observable<Message>((subscriber) => {
      const decoder = new FrameDecoder(options);
      return source.subscribe({
        next: (chunk) => {
          let messages: Message[];
          try {
            messages = decoder.push(chunk);
          } catch (err) {
            subscriber.error(err);
            return;
          }
          for (const m of messages) subscriber.next(m);
        },
        error: (err) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
    });
}
