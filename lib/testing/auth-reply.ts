import { encodeFrame } from '../wire/encode.js';
import type { Message } from '../wire/message.js';
import type { AuthVerdict } from './auth-gate.js';
import type { ConnectionState } from './server-connection.js';

/**
 * Writes the test server's own answer to a message its `AuthGate` did not let through (the handshake's Ack or
 * Error, or the refusal of a request before it), then — for a rejection or a request before the handshake —
 * closes the connection once the answer is out.
 */
export function authReply(
  state: ConnectionState,
  request: Message,
  verdict: Extract<AuthVerdict, { pass: false }>,
  nodeId: number,
): void {
  const frame = encodeFrame({
    sender: nodeId,
    recipient: request.sender,
    sequence: request.sequence,
    timestamp: Date.now(),
    type: verdict.type,
    payload: verdict.payload,
  });
  if (!state.open || state.socket.destroyed) return;
  state.writer.write({ chunks: [frame] });
  if (verdict.close) state.socket.end();
}
