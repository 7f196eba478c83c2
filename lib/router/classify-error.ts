import { configDefaults } from '../config.js';
import { ErrorCode, RemoteError, RouterError } from '../errors.js';

/**
 * What an error says about the node it came from (health feedback turns it into signals, source by source):
 * - `none`: nothing — a local wait or limit, our own closing, a bad request;
 * - `refused`: the node is not there (connect refused, unreachable, TLS failure) — down at once;
 * - `unreachable`: a connect that timed out — like a failed probe;
 * - `broken`: the connection broke under the request (lost, reset, corrupt frame) — one passive failure per
 *   incident, and the request becomes a poison suspect;
 * - `failure`: the node answered with a retryable error — one passive failure;
 * - `timeout`: no reply in time — a passive failure only when the node had a fair chance;
 * - `answer`: the node answered (a non-retryable error reply is its word, not a fault);
 * - `auth`: the node rejected the router's credentials — not a fault: the node is `unusable` (reason `auth`).
 */
export type HealthKind =
  | 'none'
  | 'refused'
  | 'unreachable'
  | 'broken'
  | 'failure'
  | 'timeout'
  | 'answer'
  | 'auth';

/** One row of the error table: what a failed attempt says about retrying it and about its node. */
export interface ErrorClass {
  /** The stable code (`ERR_UNKNOWN` for an error that is not a RouterError). */
  readonly code: string;
  /** A retry may help: the code allows it AND the error says so (`RouterError.retryable`). */
  readonly retryable: boolean;
  /** The request may have reached the node (so only idempotent requests are retried). */
  readonly maybeSent: boolean;
  /** What it says about the node. */
  readonly health: HealthKind;
  /** A request that keeps causing it on node after node may be the cause (a poison request). */
  readonly poisonSuspect: boolean;
}

type Row = Omit<ErrorClass, 'code' | 'retryable'> & { readonly retryable: boolean };

const local: Row = { retryable: true, maybeSent: false, health: 'none', poisonSuspect: false };
const final: Row = { retryable: false, maybeSent: false, health: 'none', poisonSuspect: false };
const refused: Row = { retryable: true, maybeSent: false, health: 'refused', poisonSuspect: false };
const broken: Row = { retryable: true, maybeSent: true, health: 'broken', poisonSuspect: true };

/**
 * THE error table of qdb-router: one row per code. `retryable` here says whether the router may ever retry the
 * code; the error's own `retryable` must agree (a node's error reply decides for itself). Codes not listed (a
 * user's errors through `executeWithRetry`) are `unknown`: maybe sent, no health signal, retried when they say so.
 */
const table = new Map<string, Row>(
  Object.entries({
    [ErrorCode.Config]: final,
    [ErrorCode.InvalidPayload]: final,
    [ErrorCode.RouterClosed]: final,
    // request()'s AbortSignal fired: the caller gave up; says nothing of the node
    [ErrorCode.Aborted]: final,
    [ErrorCode.ConnectRefused]: refused,
    [ErrorCode.ConnectFailed]: refused,
    [ErrorCode.Tls]: refused,
    [ErrorCode.ConnectTimeout]: { ...local, health: 'unreachable' },
    [ErrorCode.AcquireTimeout]: local,
    [ErrorCode.TooManyInFlight]: local,
    [ErrorCode.NoEligibleNode]: local,
    [ErrorCode.PoolClosed]: local,
    [ErrorCode.Backpressure]: local,
    // our own side closed the connection (close(), a pool retiring it): says nothing of the node
    [ErrorCode.ConnectionClosed]: { ...local, maybeSent: true },
    [ErrorCode.ConnectionLost]: broken,
    [ErrorCode.Protocol]: broken,
    [ErrorCode.WebSocketClosed]: broken,
    [ErrorCode.WireChecksum]: broken,
    [ErrorCode.WireFrameTooLarge]: broken,
    [ErrorCode.WireUnknownType]: broken,
    [ErrorCode.WireUnknownFlag]: broken,
    [ErrorCode.WireTruncated]: broken,
    [ErrorCode.WireTrailingBytes]: broken,
    [ErrorCode.WireIntegerRange]: broken,
    [ErrorCode.WireCompression]: broken,
    // a ListNodes reply that does not decode (discovery): a failed membership update, never a request outcome
    [ErrorCode.WireBincode]: { ...final, maybeSent: true },
    [ErrorCode.RequestTimeout]: { retryable: true, maybeSent: true, health: 'timeout', poisonSuspect: false },
    // the node rejected our credentials at connect: nothing sent; the same credentials fail again; no fault of
    // the node's — it is shown unusable (reason auth), and the request may go to a node that accepts them
    [ErrorCode.AuthFailed]: { ...final, health: 'auth' },
    // the credentials provider failed (or its credentials had already expired): nothing sent, not the node's fault
    [ErrorCode.CredentialsUnavailable]: local,
  } satisfies Record<string, Row>),
);
const unknown: Row = { retryable: true, maybeSent: true, health: 'none', poisonSuspect: false };
const remoteRetryable: ErrorClass = {
  code: ErrorCode.Remote,
  retryable: true,
  maybeSent: false,
  health: 'failure',
  poisonSuspect: false,
};
const remoteAnswer: ErrorClass = { ...remoteRetryable, retryable: false, health: 'answer' };
const notRouterError: ErrorClass = { code: 'ERR_UNKNOWN', ...unknown, retryable: false };
/** Rows by code, for errors that say they are retryable and for those that do not. */
const classes = { yes: new Map<string, ErrorClass>(), no: new Map<string, ErrorClass>() };

/**
 * Classifies an error by the one table: whether a retry may help, whether the request may have reached the
 * node, what it says about the node, whether it makes the request a poison suspect. A node's error reply
 * (`RemoteError`) was not executed as asked: not "maybe sent" — the node's word that trying again is safe.
 * Allocation-free (rows are shared).
 */
export function classifyError(error: unknown): ErrorClass {
  if (error instanceof RemoteError) return error.retryable ? remoteRetryable : remoteAnswer;
  if (!(error instanceof RouterError)) return notRouterError;
  const known = error.retryable ? classes.yes : classes.no;
  let row = known.get(error.code);
  if (row === undefined) {
    const r = table.get(error.code) ?? unknown;
    row = Object.freeze({ code: error.code, ...r, retryable: r.retryable && error.retryable });
    if (known.size < configDefaults.tuning.errorClassCacheSize) known.set(error.code, row);
  }
  return row;
}
