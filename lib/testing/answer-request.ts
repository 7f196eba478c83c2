import { type Message, MessageType } from '../wire/message.js';
import { type AdminTarget, adminCommand } from './admin-command.js';
import { dataReply } from './data-reply.js';
import type { ExecutionCounter } from './execution-counter.js';
import { type Feature, featureNegotiation } from './feature-negotiation.js';

/** What {@link answerRequest} needs from its server. */
export interface AnswerContext {
  readonly nodeId: number;
  readonly features: readonly Feature[];
  readonly executions: ExecutionCounter;
  readonly admin: AdminTarget;
  handler(request: Message): Uint8Array | Promise<Uint8Array>;
  /** Counts a Data request and says whether it gets an injected failure (decided in arrival order). */
  takeData(): boolean;
  countPing(): void;
  /** The bincode reply to a bincode admin request (see `AdminResponder`), else undefined. */
  bincodeAdmin(request: Message): Uint8Array | undefined;
}

/**
 * The correct reply of a node to one request: Ping → Pong, Data → Data (the handler's payload; the request is
 * counted as executed) or the injected Error, Heartbeat → Heartbeat (payload echoed), FeatureNegotiation → the
 * node's features (bincode, see `featureNegotiation`), Admin → a JSON result, a bincode admin request (`ListNodes`,
 * see `AdminResponder`) → its bincode `Response` in a message of the request's type, any other type → Ack. Every
 * reply carries the request's sequence.
 */
export async function answerRequest(ctx: AnswerContext, request: Message): Promise<Message> {
  let type: MessageType = request.type;
  let payload: Uint8Array = new Uint8Array(0);
  const admin = ctx.bincodeAdmin(request);
  switch (admin ? -1 : request.type) {
    case -1: // a bincode admin request: the reply keeps the request's type (Data or Admin), as the reference reads it
      payload = admin!;
      break;
    case MessageType.Ping:
      ctx.countPing();
      type = MessageType.Pong;
      break;
    case MessageType.Data: {
      const fail = ctx.takeData();
      if (!fail) ctx.executions.record(request.payload);
      ({ type, payload } = await dataReply(request, (r) => ctx.handler(r), fail, ctx.nodeId));
      break;
    }
    case MessageType.Heartbeat:
      payload = request.payload;
      break;
    case MessageType.FeatureNegotiation:
      payload = featureNegotiation.encode(ctx.features);
      break;
    case MessageType.Admin:
      payload = adminCommand(ctx.admin, request.payload);
      break;
    default:
      type = MessageType.Ack;
  }
  return {
    sender: ctx.nodeId,
    recipient: request.sender,
    sequence: request.sequence,
    timestamp: Date.now(),
    type,
    payload,
  };
}
