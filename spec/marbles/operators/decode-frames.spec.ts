import { describe, it } from 'vitest';
import { ErrorCode, RouterError } from '../../../lib/errors.js';
import { decodeFrames } from '../../../lib/operators/decode-frames.js';
import { encodeFrame } from '../../../lib/wire/encode.js';
import { type Message, MessageType } from '../../../lib/wire/message.js';
import { runMarbles } from '../../support/marbles.js';

const message = (sequence: number): Message => ({
  sender: 1,
  recipient: 0,
  sequence,
  timestamp: 0,
  type: MessageType.Data,
  payload: Uint8Array.of(sequence),
});

describe('decodeFrames', () => {
  it('emits each message when its last byte arrives, whatever the chunking', () => {
    const stream = Buffer.concat([1, 2, 3].map((s) => encodeFrame(message(s))));
    const cut1 = 60; // frame 1 is 54 bytes: a holds it and a bit of frame 2
    const cut2 = 100;
    runMarbles((_s, { cold, expectObservable }) => {
      const chunks = cold('--a--b-----c---|', {
        a: Uint8Array.from(stream.subarray(0, cut1)),
        b: Uint8Array.from(stream.subarray(cut1, cut2)),
        c: Uint8Array.from(stream.subarray(cut2)),
      });
      expectObservable(chunks.pipe(decodeFrames())).toBe('--1--------(23)|', {
        1: message(1),
        2: message(2),
        3: message(3),
      });
    });
  });

  it('errors with the codec error on a corrupt frame, and unsubscribes from the source', () => {
    runMarbles((_s, { cold, expectObservable, expectSubscriptions }) => {
      const chunks = cold('--a--b--|', { a: Uint8Array.of(0, 0, 0, 2, 9, 9), b: Uint8Array.of(1) });
      const error = new RouterError(ErrorCode.WireUnknownFlag, 'frame flag 9 is unknown');
      expectObservable(chunks.pipe(decodeFrames())).toBe('--#', undefined, error);
      expectSubscriptions(chunks.subscriptions).toBe('^-!');
    });
  });
});
