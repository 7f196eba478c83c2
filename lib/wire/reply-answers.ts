import { MessageType } from './message.js';

const bit = (...types: MessageType[]) => types.reduce<number>((mask, t) => mask | (1 << t), 0);
const ackOrError = bit(MessageType.Ack, MessageType.Error);

/**
 * Which reply types answer each request type (docs/api.md, "Replies"), as bit masks indexed by request type:
 * Pong answers Ping; every other request is answered by its own type, Ack or Error. Pong answers nothing else,
 * and a Ping is answered only by Pong or Error.
 */
const allowed: readonly number[] = Array.from({ length: 12 }, (_, request) =>
  request === MessageType.Ping
    ? bit(MessageType.Pong, MessageType.Error)
    : request === MessageType.Pong
      ? ackOrError
      : ackOrError | (1 << request),
);

/** True when a reply of type `reply` may answer a request of type `request` (the table above). */
export function replyAnswers(request: MessageType, reply: MessageType): boolean {
  return (((allowed[request] ?? 0) >>> reply) & 1) === 1;
}
