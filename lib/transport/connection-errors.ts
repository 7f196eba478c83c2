import { ErrorCode, RequestTimeoutError, RouterError } from '../errors.js';
import type { NodeId } from '../types.js';
import { withoutStack } from '../without-stack.js';

/**
 * The typed errors a connection fails requests with, one maker each (the wording lives here). Those raised from
 * the connection's timer and socket callbacks carry no stack frames (`withoutStack`).
 */
export const connectionErrors = {
  /** Sent on a connection that is closing or closed. */
  closing(id: number): RouterError {
    return new RouterError(ErrorCode.ConnectionClosed, `connection ${id} is closing`, { retryable: true });
  },

  /** No slot left (a Ping has one reserved). */
  tooMany(id: number, maxInFlight: number): RouterError {
    return new RouterError(
      ErrorCode.TooManyInFlight,
      `connection ${id} has ${maxInFlight} requests in flight`,
      {
        retryable: true,
      },
    );
  },

  /** The frame would take the bytes buffered past the bound: not sent. */
  backpressure(id: number, buffered: number, maxBufferedBytes: number): RouterError {
    return new RouterError(
      ErrorCode.Backpressure,
      `connection ${id} has ${buffered} bytes buffered (max ${maxBufferedBytes}); not sent`,
      { retryable: true },
    );
  },

  /** A request's deadline came (or had come when it was sent). */
  timeout(
    nodeId: NodeId,
    id: number,
    sequence: number,
    deadline: number,
    now: number,
    sentAt: number,
  ): RouterError {
    return withoutStack(
      () =>
        new RequestTimeoutError(
          `request ${sequence} to node ${nodeId} timed out after ${now - sentAt} ms on connection ${id} (deadline ${deadline}, now ${now})`,
          now - sentAt,
        ),
    );
  },

  /** Destroyed under its requests. */
  destroyed(id: number, nodeId: NodeId): RouterError {
    return withoutStack(
      () =>
        new RouterError(ErrorCode.ConnectionClosed, `connection ${id} to node ${nodeId} was closed`, {
          retryable: true,
        }),
    );
  },

  /** The socket closed under its requests. */
  lost(id: number, nodeId: NodeId): RouterError {
    return withoutStack(
      () =>
        new RouterError(ErrorCode.ConnectionLost, `connection ${id} to node ${nodeId} was lost`, {
          retryable: true,
        }),
    );
  },

  /** `err` as a typed error: itself, or an `ERR_INVALID_PAYLOAD` (a payload that cannot be encoded). */
  typed(err: unknown): RouterError {
    return err instanceof RouterError
      ? err
      : new RouterError(ErrorCode.InvalidPayload, String(err), { cause: err });
  },
};
