import { describe, expect, it } from 'vitest';
import { ErrorCode, RemoteError, type RouterError } from '../../../lib/errors.js';
import type { HandshakeChannel, HandshakeContext } from '../../../lib/transport/handshake-types.js';
import { tokenHandshake } from '../../../lib/transport/token-handshake.js';
import { type Message, MessageType } from '../../../lib/wire/message.js';

const ctx = (credentials: HandshakeContext['credentials']): HandshakeContext => ({
  nodeId: 1,
  address: '10.0.0.1:7000',
  credentials,
  signal: new AbortController().signal,
});
const reply = (type: MessageType, text = ''): Message => ({
  sender: 7,
  recipient: 0,
  sequence: 1,
  timestamp: 0,
  type,
  payload: new TextEncoder().encode(text),
});
function channel(answer: () => Message | Promise<Message>) {
  const sent: Array<{ type: MessageType; body: string }> = [];
  const ch: HandshakeChannel = {
    request: async (type, payload) => {
      sent.push({ type, body: typeof payload === 'string' ? payload : new TextDecoder().decode(payload) });
      return answer();
    },
  };
  return { ch, sent };
}

describe('tokenHandshake', () => {
  it('sends one Admin {"token"} and reads the Ack: expiresAt and nodeId', async () => {
    const { ch, sent } = channel(() => reply(MessageType.Ack, '{"expiresAt":1764000060000,"nodeId":3}'));
    const result = await tokenHandshake(ch, ctx({ token: 's3cr3t' }));
    expect(sent).toEqual([{ type: MessageType.Admin, body: '{"token":"s3cr3t"}' }]);
    expect(result).toEqual({ expiresAt: 1764000060000, serverNodeId: 3 });
    expect(
      await tokenHandshake(channel(() => reply(MessageType.Ack)).ch, ctx({ token: 't' })),
    ).toBeUndefined();
  });

  it('username and password without a token', async () => {
    const { ch, sent } = channel(() => reply(MessageType.Ack, '{}'));
    await tokenHandshake(ch, ctx({ username: 'u', password: 'p' }));
    expect(sent[0]!.body).toBe('{"username":"u","password":"p"}');
  });

  it('an Error ERR_AUTH_FAILED reply, or nothing to present: ERR_AUTH_FAILED (not retryable); other errors pass through', async () => {
    const rejected = channel(() => {
      throw new RemoteError('ERR_AUTH_FAILED', 'no', false, 1);
    });
    const err = (await tokenHandshake(rejected.ch, ctx({ token: 'x' })).catch((e) => e)) as RouterError;
    expect(err.code).toBe(ErrorCode.AuthFailed);
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('10.0.0.1:7000');
    expect(err.message).not.toContain('"x"');
    const none = (await tokenHandshake(rejected.ch, ctx(undefined)).catch((e) => e)) as RouterError;
    expect(none.code).toBe(ErrorCode.AuthFailed);
    const busy = new RemoteError('BUSY', 'later', true, 1);
    const other = await tokenHandshake(channel(() => Promise.reject(busy)).ch, ctx({ token: 't' })).catch(
      (e) => e,
    );
    expect(other).toBe(busy);
  });
});
