import { errorPayload } from '../wire/error-payload.js';
import { type Message, MessageType } from '../wire/message.js';

/** What a client presented in its handshake. */
export interface PresentedCredentials {
  readonly token?: string;
  readonly username?: string;
  readonly password?: string;
}

/**
 * The `auth` option of `TestServer` (and `memoryConnector`): a connection must authenticate before anything but
 * FeatureNegotiation is served.
 */
export interface AuthOptions {
  /** The token a client must present (`{"token": …}`). */
  readonly token?: string;
  /** Or a verifier: true accepts. With both, either accepts. */
  readonly verify?: (credentials: PresentedCredentials) => boolean;
  /**
   * An authenticated session ends this long after its handshake (the Ack says when: `{"expiresAt": ms since the
   * epoch}`); later requests on it get a retryable Error `ERR_AUTH_EXPIRED` until the client authenticates again
   * or opens a new connection. @defaultValue no expiry
   */
  readonly ttlMs?: number;
}

/** A gate's verdict on one message: serve it, or answer it here (and maybe close the connection after). */
export type AuthVerdict =
  | { readonly pass: true }
  | {
      readonly pass: false;
      readonly type: MessageType;
      readonly payload: Uint8Array;
      readonly close: boolean;
    };

/** What the gates of one server count. */
export interface AuthStats {
  accepted: number;
  rejected: number;
  /** Requests refused because they came before any handshake. */
  unauthenticated: number;
  /** Requests that arrived on a session past its expiry. */
  expired: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const pass: AuthVerdict = { pass: true };

/**
 * One connection's authentication, as the test server plays it (docs/testing.md, "Authentication"). The
 * handshake is an Admin message whose payload is UTF-8 JSON `{"token": "…"}` (or `{"username", "password"}`):
 * answered by Ack — payload `{"expiresAt": …}` with `ttlMs` — or by Error `{"code":"ERR_AUTH_FAILED",
 * "message":…,"retryable":false}` and the connection closed. Before it, FeatureNegotiation is served and anything
 * else gets Error `ERR_AUTH_REQUIRED` and the connection closed. After the session's expiry, requests get a
 * retryable Error `ERR_AUTH_EXPIRED` (a new handshake renews the session).
 */
export class AuthGate {
  private expiresAt = Number.NEGATIVE_INFINITY;
  private authenticated = false;

  constructor(
    private readonly options: AuthOptions,
    private readonly stats: AuthStats,
    /** Ms since the epoch (the Ack's `expiresAt` is on this clock). */
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether `message` is served, or what to answer instead. */
  check(message: Message): AuthVerdict {
    const presented = message.type === MessageType.Admin ? handshakeBody(message.payload) : undefined;
    if (presented) return this.handshake(presented);
    if (message.type === MessageType.FeatureNegotiation) return pass;
    if (!this.authenticated) {
      this.stats.unauthenticated++;
      return refuse('ERR_AUTH_REQUIRED', 'authenticate first: an Admin message {"token": …}', false, true);
    }
    if (this.now() >= this.expiresAt) {
      this.stats.expired++;
      return refuse('ERR_AUTH_EXPIRED', 'the session expired: authenticate again', true, false);
    }
    return pass;
  }

  private handshake(presented: PresentedCredentials): AuthVerdict {
    const { token, verify, ttlMs } = this.options;
    const ok =
      (token !== undefined && presented.token === token) ||
      (verify !== undefined && verify(presented) === true);
    if (!ok) {
      this.stats.rejected++;
      this.authenticated = false;
      return refuse('ERR_AUTH_FAILED', 'the credentials were rejected', false, true);
    }
    this.stats.accepted++;
    this.authenticated = true;
    this.expiresAt = ttlMs === undefined ? Number.POSITIVE_INFINITY : this.now() + ttlMs;
    const body = ttlMs === undefined ? {} : { expiresAt: this.expiresAt };
    return {
      pass: false,
      type: MessageType.Ack,
      payload: encoder.encode(JSON.stringify(body)),
      close: false,
    };
  }
}

/** The credentials in an Admin payload, if it is a handshake (JSON with `token`, `username` or `password`). */
function handshakeBody(payload: Uint8Array): PresentedCredentials | undefined {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(payload));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (!('token' in v) && !('username' in v) && !('password' in v)) return undefined;
  const text = (x: unknown) => (typeof x === 'string' ? x : undefined);
  return { token: text(v.token), username: text(v.username), password: text(v.password) };
}

function refuse(code: string, message: string, retryable: boolean, close: boolean): AuthVerdict {
  return {
    pass: false,
    type: MessageType.Error,
    payload: errorPayload.encode({ code, message, retryable }),
    close,
  };
}
