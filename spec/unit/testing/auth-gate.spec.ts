import { describe, expect, it } from 'vitest';
import { AuthGate, type AuthStats } from '../../../lib/testing/auth-gate.js';
import { errorPayload } from '../../../lib/wire/error-payload.js';
import { type Message, MessageType } from '../../../lib/wire/message.js';

const message = (type: MessageType, body?: object): Message => ({
  sender: 0,
  recipient: 1,
  sequence: 1,
  timestamp: 0,
  type,
  payload: new TextEncoder().encode(body === undefined ? '' : JSON.stringify(body)),
});
const stats = (): AuthStats => ({ accepted: 0, rejected: 0, unauthenticated: 0, expired: 0 });
const code = (v: ReturnType<AuthGate['check']>) =>
  v.pass ? 'pass' : (errorPayload.parse(v.payload)?.code ?? 'Ack');

describe('AuthGate (the test server side of the handshake)', () => {
  it('refuses anything but FeatureNegotiation before the handshake, and closes', () => {
    const s = stats();
    const gate = new AuthGate({ token: 't' }, s, () => 0);
    expect(gate.check(message(MessageType.FeatureNegotiation)).pass).toBe(true);
    const data = gate.check(message(MessageType.Data));
    expect(data).toMatchObject({ pass: false, type: MessageType.Error, close: true });
    expect(code(data)).toBe('ERR_AUTH_REQUIRED');
    // an Admin command is not a handshake
    expect(code(gate.check(message(MessageType.Admin, { command: 'stats' })))).toBe('ERR_AUTH_REQUIRED');
    expect(s.unauthenticated).toBe(2);
  });

  it('accepts the token with Ack (expiresAt with ttlMs), rejects others with ERR_AUTH_FAILED and a close', () => {
    const s = stats();
    let now = 1000;
    const gate = new AuthGate({ token: 't', ttlMs: 500 }, s, () => now);
    const wrong = gate.check(message(MessageType.Admin, { token: 'x' }));
    expect(wrong).toMatchObject({ pass: false, type: MessageType.Error, close: true });
    expect(errorPayload.parse((wrong as { payload: Uint8Array }).payload)).toMatchObject({
      code: 'ERR_AUTH_FAILED',
      retryable: false,
    });
    const ok = gate.check(message(MessageType.Admin, { token: 't' }));
    expect(ok).toMatchObject({ pass: false, type: MessageType.Ack, close: false });
    expect(JSON.parse(new TextDecoder().decode((ok as { payload: Uint8Array }).payload))).toEqual({
      expiresAt: 1500,
    });
    expect(gate.check(message(MessageType.Data)).pass).toBe(true);
    expect(gate.check(message(MessageType.Admin, { command: 'stats' })).pass).toBe(true);
    now = 1500;
    const late = gate.check(message(MessageType.Data));
    expect(late).toMatchObject({ pass: false, close: false });
    expect(errorPayload.parse((late as { payload: Uint8Array }).payload)).toMatchObject({
      code: 'ERR_AUTH_EXPIRED',
      retryable: true,
    });
    gate.check(message(MessageType.Admin, { token: 't' })); // renews
    expect(gate.check(message(MessageType.Data)).pass).toBe(true);
    expect(s).toEqual({ accepted: 2, rejected: 1, unauthenticated: 0, expired: 1 });
  });

  it('a verifier sees username and password', () => {
    const gate = new AuthGate({ verify: (c) => c.username === 'u' && c.password === 'p' }, stats(), () => 0);
    expect(code(gate.check(message(MessageType.Admin, { username: 'u', password: 'x' })))).toBe(
      'ERR_AUTH_FAILED',
    );
    expect(gate.check(message(MessageType.Admin, { username: 'u', password: 'p' }))).toMatchObject({
      type: MessageType.Ack,
    });
  });
});
