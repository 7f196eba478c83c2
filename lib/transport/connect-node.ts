import type { SchedulerLike } from 'rxjs';
import { ErrorCode, RemoteError, RouterError } from '../errors.js';
import type { NodeAddress } from '../types.js';
import { featureList } from '../wire/feature-list.js';
import { type Message, MessageType } from '../wire/message.js';
import { payloadBytes } from '../wire/payload-bytes.js';
import { abortWith } from './abort-with.js';
import type { CredentialsGrant, CredentialsStore } from './credentials-store.js';
import type { Handshake, HandshakeChannel, HandshakeResult } from './handshake-types.js';
import type { PoolConnection } from './pool-connection.js';
import { setupError } from './setup-error.js';

/** How every connection to a node is set up (the router builds one from its config). */
export interface NodeSetup {
  readonly scheduler: SchedulerLike;
  /** The connect timeout: bounds the whole setup (open, negotiation, handshake). */
  readonly timeoutMs: number;
  /** Opens the raw connection (socket and codec), not yet pooled. */
  readonly open: (address: NodeAddress, signal: AbortSignal) => Promise<PoolConnection>;
  /** Finite: FeatureNegotiation first, and LZ4 above this size if the node lists Compression. */
  readonly compressAboveBytes: number;
  readonly handshake: Handshake | undefined;
  /** The router's credentials (required with a handshake). */
  readonly credentials: CredentialsStore | undefined;
}

/**
 * Sets up one connection to `address` and resolves with it only when it is ready to serve:
 *
 * ```
 * open stream ──► FeatureNegotiation (compression on) ──► handshake(channel, ctx) ──► ready (joins its pool)
 * └──────────────── min(connect timeout, deadline) · aborted by `signal` (close, node removal) ───────────┘
 * ```
 *
 * Nothing but the setup messages is written before the handshake's reply: the connection is not in any pool yet.
 * On failure or abort the connection is destroyed at once and the promise rejects with a typed error:
 * `ERR_AUTH_FAILED` when the node rejected the credentials (no dial at all while the same credentials stand
 * rejected by that node), `ERR_CONNECT_TIMEOUT` past the bound, `ERR_POOL_CLOSED` when aborted, else
 * `ERR_CONNECT_FAILED` (reset, garbage, a handshake that threw something else). An Error answer to the
 * negotiation only leaves compression off.
 */
export async function connectNode(
  address: NodeAddress,
  setup: NodeSetup,
  signal: AbortSignal,
  deadline = Number.POSITIVE_INFINITY,
): Promise<PoolConnection> {
  const { scheduler, credentials: store } = setup;
  const started = scheduler.now();
  const end = Math.min(started + setup.timeoutMs, deadline);
  let step = 'connect';
  const abort = abortWith(signal, scheduler, end, () => {
    const ms = Math.round(scheduler.now() - started);
    return new RouterError(
      ErrorCode.ConnectTimeout,
      `setup of a connection to ${address.label} (node ${address.id}) did not finish in ${ms} ms (${step})`,
      { retryable: true },
    );
  });
  let conn: PoolConnection | undefined;
  let grant: CredentialsGrant | undefined;
  try {
    if (setup.handshake && store) {
      step = 'credentials';
      grant = await abort.race(store.get(address.id));
      const refused = store.refusal(address.id, grant);
      if (refused) throw refused;
    }
    step = 'connect';
    const opened = setup.open(address, abort.signal);
    void opened.then((c) => abort.signal.aborted && c.destroy(), noop);
    conn = await abort.race(opened);
    const channel = channelOf(conn, end, abort);
    if (setup.compressAboveBytes < Number.POSITIVE_INFINITY) {
      step = 'FeatureNegotiation';
      await negotiate(conn, channel, setup.compressAboveBytes);
    }
    if (setup.handshake) {
      step = 'handshake';
      const result = await abort.race(
        Promise.resolve().then(() =>
          setup.handshake!(channel, {
            nodeId: address.id,
            address: address.label,
            credentials: grant?.credentials,
            signal: abort.signal,
          }),
        ),
      );
      apply(conn, result ?? undefined, grant, store, scheduler);
      store?.accepted(address.id);
    }
    return conn;
  } catch (err) {
    conn?.destroy();
    const error = abort.reason ?? setupError(err, address, step);
    if (error.code === ErrorCode.AuthFailed && grant && store) store.rejected(address.id, grant, error);
    throw error;
  } finally {
    abort.dispose();
  }
}

async function negotiate(conn: PoolConnection, channel: HandshakeChannel, aboveBytes: number) {
  const ours = featureList.encode([featureList.compression, featureList.heartbeat]);
  let reply: Message;
  try {
    reply = await channel.request(MessageType.FeatureNegotiation, ours);
  } catch (err) {
    if (err instanceof RemoteError) return; // an answer: no compression
    throw err;
  }
  const theirs =
    reply.type === MessageType.FeatureNegotiation ? featureList.decode(reply.payload) : undefined;
  const connection = conn as PoolConnection & { useCompression?(bytes: number): void };
  if (theirs?.includes(featureList.compression)) connection.useCompression?.(aboveBytes);
}

function channelOf(
  conn: PoolConnection,
  end: number,
  abort: { race<T>(p: Promise<T>): Promise<T> },
): HandshakeChannel {
  return {
    request(type, payload) {
      return abort.race(
        new Promise<Message>((resolve, reject) => {
          const bytes = typeof payload === 'string' ? payloadBytes(payload) : payload;
          conn.send(type, bytes, end, (err, reply) => (err ? reject(err) : resolve(reply!)));
        }),
      );
    },
  };
}

/** The handshake's result on the connection: the server's node id as frame recipient, and its expiry. */
function apply(
  conn: PoolConnection,
  result: HandshakeResult | undefined,
  grant: CredentialsGrant | undefined,
  store: CredentialsStore | undefined,
  scheduler: SchedulerLike,
): void {
  if (result !== undefined && (typeof result !== 'object' || result === null))
    throw new TypeError(
      `the handshake resolved with ${String(result)}; expected a HandshakeResult or nothing`,
    );
  const id = result?.serverNodeId;
  if (id !== undefined) {
    const whole = typeof id === 'bigint' ? id >= 0n : Number.isSafeInteger(id) && id >= 0;
    if (!whole) throw new TypeError(`the handshake returned serverNodeId = ${String(id)}; expected a u64`);
    (conn as PoolConnection & { useRecipient?(id: number | bigint): void }).useRecipient?.(id);
  }
  const at = result?.expiresAt;
  if (at !== undefined && !(typeof at === 'number' && Number.isFinite(at)))
    throw new TypeError(`the handshake returned expiresAt = ${String(at)}; expected ms since the epoch`);
  const sessionEnd = at === undefined || !store ? Number.POSITIVE_INFINITY : store.toSchedulerTime(at);
  const expiresAt = Math.min(grant?.expiresAt ?? Number.POSITIVE_INFINITY, sessionEnd);
  if (expiresAt < Number.POSITIVE_INFINITY && store) {
    conn.expiresAt = expiresAt;
    const refreshAt = Math.min(grant?.refreshAt ?? expiresAt, store.refreshAtFor(sessionEnd));
    // Credentials already due (the provider failed, its old ones still valid): no instant re-rotation loop;
    // try again halfway to the expiry.
    const now = scheduler.now();
    conn.refreshAt = refreshAt > now ? refreshAt : now + (expiresAt - now) / 2;
  }
}

function noop(): void {}
