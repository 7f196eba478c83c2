import { ErrorCode } from '../errors.js';
import type { Message } from '../wire/message.js';
import { checkReply } from './check-reply.js';
import type { Connection } from './connection.js';
import { connectionEnd } from './connection-end.js';
import { connectionErrors } from './connection-errors.js';

/**
 * A connection's read path: decodes `chunk` and settles the request each reply answers. A reply must answer a
 * request in flight (written) with an allowed type (`checkReply`), and an Error reply must carry the documented
 * JSON; anything else — or a corrupt frame — closes the connection as `corrupt` and fails every request on it with
 * a retryable error. A late reply to a cancelled or timed-out request is dropped and counted (`droppedReplies`).
 */
export function readReplies(c: Connection, chunk: Uint8Array): void {
  let messages: Message[];
  try {
    messages = c.decoder.push(chunk);
  } catch (err) {
    const wire = connectionErrors.typed(err);
    connectionEnd.corrupt(c, wire.code, `node ${c.nodeId} sent a bad frame: ${wire.message}`, wire);
    return;
  }
  if (messages.length > 0) c.lastUsedAt = c.scheduler.now();
  for (const reply of messages) {
    if (c.state === 'closed') return;
    const sequence = reply.sequence;
    const entry = typeof sequence === 'number' ? c.pending.get(sequence) : undefined;
    if (entry === undefined || entry.frame !== undefined) {
      if (typeof sequence === 'number' && c.abandoned?.take(sequence)) {
        c.droppedReplies++;
        continue;
      }
      connectionEnd.corrupt(
        c,
        ErrorCode.Protocol,
        `node ${c.nodeId} replied to unknown sequence ${sequence}`,
      );
      return;
    }
    const outcome = checkReply(entry.type, reply, c.nodeId);
    if ('violation' in outcome) {
      connectionEnd.corrupt(c, ErrorCode.Protocol, outcome.violation);
      return;
    }
    c.unpend(entry);
    if ('error' in outcome) entry.tell(outcome.error);
    else entry.tell(undefined, reply);
  }
  connectionEnd.afterSettle(c);
}
