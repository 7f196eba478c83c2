import type { Message, MessageType } from '../wire/message.js';

// The public types of connection setup (docs/api.md, "Connection setup and credentials"). Types only.

/**
 * What a credentials provider returns. Every field is optional: a token, or a user name and password, and when
 * they stop being valid (`expiresAt`, ms since the epoch). The router refreshes them ahead of `expiresAt` and
 * replaces connections opened with them before then.
 */
export interface Credentials {
  readonly token?: string;
  readonly username?: string;
  readonly password?: string;
  /** Ms since the epoch (wall clock) after which these credentials are no longer accepted. */
  readonly expiresAt?: number;
}

/** The router's `credentials` option: called for the first connection, then only to refresh (single-flight). */
export type CredentialsProvider = () => Credentials | Promise<Credentials>;

/**
 * The raw connection during setup, before it joins its pool: nothing else is written on it.
 * `request` sends one message and resolves with the reply matched by sequence number; an Error reply rejects
 * with a `RemoteError` (its `remoteCode` is the node's code). Bounded by the setup's deadline and `signal`.
 */
export interface HandshakeChannel {
  request(type: MessageType, payload: Uint8Array | string): Promise<Message>;
}

/** What a handshake knows: the node, the current credentials, and a signal aborted when setup is given up. */
export interface HandshakeContext {
  /** The router's id of the node. */
  readonly nodeId: number;
  /** The node's address as configured (`host:port`, `tls://host:port`, `ws://…`). */
  readonly address: string;
  /** The credentials of the router's provider, or undefined without one. */
  readonly credentials: Credentials | undefined;
  /** Aborted when setup is given up: connect timeout, the request's deadline, `close()`, node removal. */
  readonly signal: AbortSignal;
}

/**
 * What a handshake may learn. `serverNodeId`: the server's own id, used as the `recipient` of every frame on this
 * connection. `expiresAt` (ms since the epoch): when the server ends this connection's session; the connection
 * is replaced before then.
 */
export interface HandshakeResult {
  readonly serverNodeId?: number | bigint;
  readonly expiresAt?: number;
}

/**
 * The router's `handshake` option: runs on every new connection after FeatureNegotiation and before any request.
 * Throw `new RouterError('ERR_AUTH_FAILED', message)` when the node rejects the credentials; any other throw is a
 * connect failure (retryable).
 */
export type Handshake = (
  channel: HandshakeChannel,
  ctx: HandshakeContext,
  // biome-ignore lint/suspicious/noConfusingVoidType: a handshake that learns nothing may be `async () => {}`
) => Promise<HandshakeResult | undefined | void>;
