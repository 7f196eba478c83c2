import { describe, expect, it } from 'vitest';
import { ErrorCode, RemoteError, RequestTimeoutError, RouterError } from '../../../lib/errors.js';
import { classifyError } from '../../../lib/router/classify-error.js';

const err = (code: string, retryable = true) => new RouterError(code, code, { retryable });

describe('classifyError: the one error table', () => {
  it('has a row for every code qdb-router raises (none falls through to "unknown")', () => {
    for (const code of Object.values(ErrorCode)) {
      if (code === ErrorCode.Remote) continue; // a node's reply: RemoteError decides by its own flag
      // our own side closed a connection under the request: maybe sent, says nothing — the unknown row's values
      if (code === ErrorCode.ConnectionClosed) continue;
      const c = classifyError(err(code));
      expect(c.code).toBe(code);
      // an unknown code would be maybe-sent with no health signal and retryable: every listed code says more
      const unknown = c.maybeSent && c.health === 'none' && c.retryable && !c.poisonSuspect;
      expect(unknown, code).toBe(false);
    }
  });

  it('ERR_CONNECTION_LOST: retryable, maybe sent, a broken connection, a poison suspect', () => {
    expect(classifyError(err(ErrorCode.ConnectionLost))).toEqual({
      code: ErrorCode.ConnectionLost,
      retryable: true,
      maybeSent: true,
      health: 'broken',
      poisonSuspect: true,
    });
  });

  it('not sent: connect failures, waits and local limits; refused connects take a node down, timeouts do not', () => {
    for (const code of [ErrorCode.ConnectRefused, ErrorCode.ConnectFailed, ErrorCode.Tls])
      expect(classifyError(err(code))).toMatchObject({ maybeSent: false, health: 'refused' });
    expect(classifyError(err(ErrorCode.ConnectTimeout))).toMatchObject({
      maybeSent: false,
      health: 'unreachable',
    });
    for (const code of [ErrorCode.AcquireTimeout, ErrorCode.NoEligibleNode, ErrorCode.Backpressure])
      expect(classifyError(err(code))).toMatchObject({ maybeSent: false, health: 'none', retryable: true });
    expect(classifyError(new RequestTimeoutError('t', 5))).toMatchObject({
      maybeSent: true,
      health: 'timeout',
    });
  });

  it('the error’s own word counts: a code the router may retry is not retried when the error says no', () => {
    expect(classifyError(err(ErrorCode.ConnectionLost, false)).retryable).toBe(false);
    expect(classifyError(err(ErrorCode.RouterClosed, true)).retryable).toBe(false); // never retried
    expect(classifyError(err(ErrorCode.Config, true)).retryable).toBe(false);
  });

  it('a node’s error reply: not sent as asked; retryable ones are failures, the others answers', () => {
    expect(classifyError(new RemoteError('BUSY', 'b', true, 1))).toMatchObject({
      retryable: true,
      maybeSent: false,
      health: 'failure',
    });
    expect(classifyError(new RemoteError('BAD', 'b', false, 1))).toMatchObject({
      retryable: false,
      health: 'answer',
    });
  });

  it('anything else: not retried, maybe sent, no signal; hostile codes are no object keys', () => {
    expect(classifyError(new Error('x'))).toMatchObject({
      code: 'ERR_UNKNOWN',
      retryable: false,
      maybeSent: true,
    });
    expect(classifyError(err('__proto__'))).toMatchObject({
      code: '__proto__',
      health: 'none',
      maybeSent: true,
    });
    expect(classifyError(err('constructor'))).toMatchObject({ health: 'none' });
  });
});
