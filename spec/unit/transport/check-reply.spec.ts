import { describe, expect, it } from 'vitest';
import { RemoteError } from '../../../lib/errors.js';
import { checkReply } from '../../../lib/transport/check-reply.js';
import { errorPayload } from '../../../lib/wire/error-payload.js';
import { type Message, MessageType } from '../../../lib/wire/message.js';

const reply = (type: MessageType, payload: Uint8Array = new Uint8Array(0)): Message => ({
  sender: 1,
  recipient: 0,
  sequence: 1,
  timestamp: 0,
  type,
  payload,
});
const T = MessageType;

describe('checkReply (the reply table of docs/api.md)', () => {
  it.each([
    [T.Ping, T.Pong, true],
    [T.Ping, T.Error, true],
    [T.Ping, T.Ack, false],
    [T.Ping, T.Ping, false],
    [T.Data, T.Data, true],
    [T.Data, T.Ack, true],
    [T.Data, T.Pong, false],
    [T.Data, T.Heartbeat, false],
    [T.Heartbeat, T.Heartbeat, true],
    [T.Admin, T.Admin, true],
    [T.Admin, T.Data, false],
    [T.FeatureNegotiation, T.FeatureNegotiation, true],
    [T.Pong, T.Pong, false],
    [T.Pong, T.Ack, true],
  ])('request %i answered by %i: %s', (request, type, ok) => {
    const payload =
      type === T.Error ? errorPayload.encode({ code: 'E', message: 'm', retryable: false }) : undefined;
    const outcome = checkReply(request, reply(type, payload), 1);
    expect('violation' in outcome).toBe(!ok);
  });

  it('an Error reply: a RemoteError when the payload is the documented JSON, else a violation', () => {
    const good = errorPayload.encode({ code: 'BUSY', message: 'later', retryable: true });
    const outcome = checkReply(T.Data, reply(T.Error, good), 3);
    expect('error' in outcome && outcome.error).toBeInstanceOf(RemoteError);
    expect(outcome).toMatchObject({ error: { remoteCode: 'BUSY', retryable: true, nodeId: 3 } });
    for (const bad of [
      '',
      'null',
      '[]',
      '{"code":"X","message":"m","retryable":"yes"}',
      '{"code":1}',
      '\xff',
    ]) {
      expect(checkReply(T.Data, reply(T.Error, Buffer.from(bad, 'latin1')), 3)).toHaveProperty('violation');
    }
  });
});
