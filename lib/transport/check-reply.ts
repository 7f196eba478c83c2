import { RemoteError } from '../errors.js';
import { errorPayload } from '../wire/error-payload.js';
import { type Message, MessageType } from '../wire/message.js';
import { replyAnswers } from '../wire/reply-answers.js';

/**
 * What a reply to a request of type `requestType` means: `{ reply }` for an answer, `{ error }` for a valid
 * Error reply (a {@link RemoteError} with the node's code and `retryable`), or `{ violation }` describing a
 * protocol violation — a type that does not answer the request (docs/api.md, "Replies") or an Error payload that
 * is not the documented JSON.
 */
export function checkReply(
  requestType: MessageType,
  reply: Message,
  nodeId: number,
): { reply: Message } | { error: RemoteError } | { violation: string } {
  if (!replyAnswers(requestType, reply.type)) {
    return {
      violation: `node ${nodeId} answered a ${typeName(requestType)} request with ${typeName(reply.type)}`,
    };
  }
  if (reply.type !== MessageType.Error) return { reply };
  const body = errorPayload.parse(reply.payload);
  if (body === undefined) return { violation: `node ${nodeId} sent a malformed Error payload` };
  return { error: new RemoteError(body.code, body.message, body.retryable, nodeId) };
}

function typeName(type: number): string {
  return Object.entries(MessageType).find(([, v]) => v === type)?.[0] ?? String(type);
}
