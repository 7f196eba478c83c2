import { errorPayload } from '../wire/error-payload.js';
import { type Message, MessageType } from '../wire/message.js';

/** What a TestServer answers to a Data request. */
export interface Reply {
  readonly type: MessageType;
  readonly payload: Uint8Array;
}

/**
 * The reply to one Data request: an injected retryable failure (`INJECTED_FAILURE`) when `fail` is set, else the
 * handler's payload; a throwing handler becomes a non-retryable `HANDLER_FAILED` error reply.
 */
export async function dataReply(
  request: Message,
  handler: (request: Message) => Uint8Array | Promise<Uint8Array>,
  fail: boolean,
  nodeId: number,
): Promise<Reply> {
  if (fail) {
    const message = `node ${nodeId} failed request ${request.sequence} on purpose`;
    return {
      type: MessageType.Error,
      payload: errorPayload.encode({ code: 'INJECTED_FAILURE', message, retryable: true }),
    };
  }
  try {
    return { type: MessageType.Data, payload: await handler(request) };
  } catch (err) {
    return {
      type: MessageType.Error,
      payload: errorPayload.encode({ code: 'HANDLER_FAILED', message: String(err), retryable: false }),
    };
  }
}
