import type tls from 'node:tls';
import type { ClusterNodeInfo } from '../wire/admin-types.js';
import type { Message } from '../wire/message.js';
import type { AuthOptions } from './auth-gate.js';
import type { ExecutionCounterOptions } from './execution-counter.js';
import type { Fault } from './fault.js';
import type { Feature } from './feature-negotiation.js';
import type { ServerFrameLimitOptions } from './server-max-message-bytes.js';

/** Computes the payload of a Data reply; the default echoes the request's payload. */
export type DataHandler = (request: Message) => Uint8Array | Promise<Uint8Array>;

/** Options of {@link TestServer.start}. */
export interface TestServerOptions extends ServerFrameLimitOptions {
  /** Port to listen on; 0 picks a free one. @defaultValue 0 */
  readonly port?: number;
  /** Interface to listen on. @defaultValue '127.0.0.1' */
  readonly host?: string;
  /** The node id this server answers as (the `sender` of its replies). @defaultValue 1 */
  readonly nodeId?: number;
  /** Payload of Data replies. @defaultValue echo */
  readonly handler?: DataHandler;
  /** Data requests to fail (retryable Error reply) from the start. @defaultValue 0 */
  readonly failures?: number;
  /** Serve TLS with these options (`key`, `cert`, `ca`, `requestCert` …) instead of plain TCP. */
  readonly tls?: tls.TlsOptions;
  /** Also accept WebSocket clients (one binary message per frame) on a port of their own: see `wsUrl`. */
  readonly websocket?: boolean;
  /** The WebSocket port; 0 picks a free one. @defaultValue 0 */
  readonly wsPort?: number;
  /** Features answered to FeatureNegotiation (as the reference client encodes them). @defaultValue all three */
  readonly features?: readonly Feature[];
  /** Uniform in [0, 1): decides which requests a fault with `rate` < 1 hits, and `garbage` bytes. @defaultValue Math.random */
  readonly random?: () => number;
  /** Bounds of the execution accounting (`executions()`). @defaultValue 65536 exact keys, a 1 MiB sketch */
  readonly executionCounter?: ExecutionCounterOptions;
  /** A fault active from the start (see `setFault`). */
  readonly fault?: Fault;
  /**
   * The cluster's current members, answered to the reference client's `ListNodes` admin request (bincode, in a
   * Data or Admin message; see `AdminResponder`). A `TestCluster` sets it. @defaultValue this server alone, and
   * only to Admin messages
   */
  readonly listNodes?: () => readonly ClusterNodeInfo[];
  /**
   * Require a handshake on every connection before anything but FeatureNegotiation: an Admin message with UTF-8
   * JSON `{"token": "…"}` (or `{"username", "password"}` for `verify`), answered by Ack (`{"expiresAt": …}` with
   * `ttlMs`) or by Error `ERR_AUTH_FAILED` and a close; any other message first: Error `ERR_AUTH_REQUIRED`, close;
   * after `ttlMs`, requests get a retryable Error `ERR_AUTH_EXPIRED`. Counts in `authStats`.
   */
  readonly auth?: AuthOptions;
}
