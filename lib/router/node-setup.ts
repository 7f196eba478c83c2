import { configDefaults, type ResolvedConfig } from '../config.js';
import type { NodeSetup } from '../transport/connect-node.js';
import { Connection } from '../transport/connection.js';
import { type CredentialsGrant, CredentialsStore } from '../transport/credentials-store.js';
import { openStream } from '../transport/open-stream.js';
import { tokenHandshake } from '../transport/token-handshake.js';
import type { NodeId } from '../types.js';

/** What the router hears from connection setup (it turns these into `events$`). */
export interface SetupHooks {
  /** The provider yielded credentials (`credentialsRefreshed`). */
  readonly onRefreshed?: (grant: CredentialsGrant) => void;
  /** A node rejected the current credentials, for the first time (`authFailed`). */
  readonly onRejected?: (nodeId: NodeId, code: string) => void;
}

/**
 * How the router sets up each connection (`connectNode`): the raw connection is the config's `connect` (tests,
 * benchmarks) or a socket over the best protocol with the real `Connection` codec; then FeatureNegotiation when
 * `compressAboveBytes` is finite, then the handshake — the config's, or the token handshake when only
 * `credentials` was given — with credentials from the one `CredentialsStore` of the router.
 */
export function nodeSetup(config: Readonly<ResolvedConfig>, hooks: SetupHooks = {}): NodeSetup {
  const c = config;
  const handshake = c.handshake ?? (c.credentials ? tokenHandshake : undefined);
  const store = handshake
    ? new CredentialsStore({
        provider: c.credentials,
        scheduler: c.scheduler,
        wallNow: c.wallClock,
        timing: configDefaults.credentials,
        onRefreshed: hooks.onRefreshed,
        onRejected: hooks.onRejected,
      })
    : undefined;
  return {
    scheduler: c.scheduler,
    timeoutMs: c.timeoutMs,
    compressAboveBytes: c.compressAboveBytes,
    handshake,
    credentials: store,
    open: async (address, signal) => {
      if (c.connect) return c.connect(address, signal);
      const stream = await openStream(address, {
        timeoutMs: c.timeoutMs,
        tls: c.tls,
        WebSocket: c.WebSocket,
        signal,
        maxMessageBytes: c.maxMessageBytes,
      });
      return new Connection(stream, address.id, {
        scheduler: c.scheduler,
        wallClock: c.wallClock,
        maxBufferedBytes: c.pool.maxBufferedBytesPerConnection,
        requestTimeoutMs: c.timeoutMs,
        maxInFlight: c.pool.maxInFlightPerConnection,
        maxMessageBytes: c.maxMessageBytes,
        drainTimeoutMs: c.timeoutMs,
      });
    },
  };
}
