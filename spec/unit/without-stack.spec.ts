import { describe, expect, it } from 'vitest';
import { ErrorCode, RequestTimeoutError, RouterError } from '../../lib/errors.js';
import { connectionErrors } from '../../lib/transport/connection-errors.js';
import { withoutStack } from '../../lib/without-stack.js';

describe('withoutStack', () => {
  it('the error keeps its class, code and message, with no stack frames; the limit is restored', () => {
    const before = Error.stackTraceLimit;
    const err = withoutStack(() => new RouterError(ErrorCode.ConnectionLost, 'gone', { retryable: true }));
    expect(err).toBeInstanceOf(RouterError);
    expect(err).toMatchObject({ code: 'ERR_CONNECTION_LOST', retryable: true, message: 'gone' });
    expect(err.stack).toBe('RouterError: gone');
    expect(Error.stackTraceLimit).toBe(before);
    expect(new Error('x').stack!.split('\n').length).toBeGreaterThan(1); // others still capture
  });

  it('restores the limit when make throws', () => {
    const before = Error.stackTraceLimit;
    expect(() =>
      withoutStack(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(Error.stackTraceLimit).toBe(before);
  });

  it("a connection's timeout and lost errors carry none (raised from its timers and socket callbacks)", () => {
    const timeout = connectionErrors.timeout(2, 7, 41, 1000, 1000, 500);
    expect(timeout).toBeInstanceOf(RequestTimeoutError);
    expect(timeout.stack!.split('\n')).toHaveLength(1);
    expect(connectionErrors.lost(7, 2).stack!.split('\n')).toHaveLength(1);
    expect(connectionErrors.destroyed(7, 2).stack!.split('\n')).toHaveLength(1);
  });
});
