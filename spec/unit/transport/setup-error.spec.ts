import { describe, expect, it } from 'vitest';
import { ErrorCode, RemoteError, RequestTimeoutError, RouterError } from '../../../lib/errors.js';
import { setupError } from '../../../lib/transport/setup-error.js';
import type { NodeAddress } from '../../../lib/types.js';

const address: NodeAddress = { id: 2, host: 'h', port: 7, protocol: 'tcp', label: 'h:7', alternatives: [] };

describe('setupError', () => {
  it('keeps connect errors, names the node in auth failures, turns a step timeout into ERR_CONNECT_TIMEOUT', () => {
    const refused = new RouterError(ErrorCode.ConnectRefused, 'h:7 refused', { retryable: true });
    expect(setupError(refused, address, 'connect')).toBe(refused);
    const auth = setupError(new RemoteError('ERR_AUTH_FAILED', 'bad token', false, 2), address, 'handshake');
    expect(auth).toMatchObject({ code: ErrorCode.AuthFailed, retryable: false });
    expect(auth.message).toContain('h:7 (node 2)');
    const bare = setupError(new RouterError(ErrorCode.AuthFailed, 'nope'), address, 'handshake');
    expect(bare.message).toContain('h:7 (node 2)');
    const late = setupError(new RequestTimeoutError('late', 10), address, 'FeatureNegotiation');
    expect(late).toMatchObject({ code: ErrorCode.ConnectTimeout, retryable: true });
    expect(late.message).toContain('FeatureNegotiation');
  });

  it('anything else is a retryable ERR_CONNECT_FAILED naming the node and the step, with the cause', () => {
    const boom = new TypeError('boom');
    const err = setupError(boom, address, 'handshake');
    expect(err).toMatchObject({ code: ErrorCode.ConnectFailed, retryable: true, cause: boom });
    expect(err.message).toBe('connection setup with h:7 (node 2) failed at the handshake: boom');
    const lost = new RouterError(ErrorCode.ConnectionLost, 'lost', { retryable: true });
    expect(setupError(lost, address, 'handshake').code).toBe(ErrorCode.ConnectFailed);
  });
});
