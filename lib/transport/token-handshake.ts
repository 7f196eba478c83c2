import { ErrorCode, RemoteError, RouterError } from '../errors.js';
import { type Message, MessageType } from '../wire/message.js';
import type { HandshakeChannel, HandshakeContext, HandshakeResult } from './handshake-types.js';

const decoder = new TextDecoder();

/**
 * The router's handshake when `credentials` is given without a `handshake` (and what `TestServer`'s `auth`
 * answers): one Admin message whose payload is UTF-8 JSON — `{"token": "…"}`, or `{"username": "…",
 * "password": "…"}` without a token — answered by Ack (its payload may be JSON `{"expiresAt": ms since the
 * epoch}`, `{"nodeId": n}`) or by an Error whose code is `ERR_AUTH_FAILED` (then this throws `ERR_AUTH_FAILED`).
 *
 * ```
 * client                          node
 * Admin {"token":"s3cr3t"}  ──►
 *                           ◄──   Ack {"expiresAt":1764000060000}        (or Error {"code":"ERR_AUTH_FAILED",…})
 * ```
 */
export async function tokenHandshake(
  channel: HandshakeChannel,
  ctx: HandshakeContext,
): Promise<HandshakeResult | undefined> {
  const c = ctx.credentials;
  const body =
    c?.token !== undefined
      ? { token: c.token }
      : c?.username !== undefined || c?.password !== undefined
        ? { username: c.username, password: c.password }
        : undefined;
  if (body === undefined)
    throw new RouterError(
      ErrorCode.AuthFailed,
      `no token, username or password to present to ${ctx.address}`,
    );
  let reply: Message;
  try {
    reply = await channel.request(MessageType.Admin, JSON.stringify(body));
  } catch (err) {
    if (err instanceof RemoteError && err.remoteCode === ErrorCode.AuthFailed)
      throw new RouterError(ErrorCode.AuthFailed, `${ctx.address} rejected the credentials: ${err.message}`, {
        cause: err,
      });
    throw err;
  }
  if (reply.type !== MessageType.Ack)
    throw new Error(`${ctx.address} answered the handshake with type ${reply.type}`);
  return parseAck(reply.payload);
}

function parseAck(payload: Uint8Array): HandshakeResult | undefined {
  if (payload.length === 0) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(payload));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { expiresAt, nodeId } = value as Record<string, unknown>;
  return {
    ...(typeof expiresAt === 'number' && Number.isFinite(expiresAt) ? { expiresAt } : {}),
    ...(typeof nodeId === 'number' && Number.isSafeInteger(nodeId) && nodeId >= 0
      ? { serverNodeId: nodeId }
      : {}),
  };
}
