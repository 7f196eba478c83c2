import type { RouterConfig } from '../config-types.js';

/** Options of `startDashboard`. */
export interface DashboardOptions {
  /** @defaultValue 0 (any free port) */
  readonly port?: number;
  /**
   * The address to listen on. Anything but loopback exposes the dashboard, which has no authentication, to the
   * network; this address is also accepted as a `Host` header. @defaultValue '127.0.0.1'
   */
  readonly host?: string;
  /** More `Host` header names to answer (each with `:PORT`), besides 127.0.0.1, localhost and [::1]. */
  readonly allowedHosts?: readonly string[];
  /**
   * Offer the take-out / put-back buttons (`router.markNodeUnhealthy` / `markNodeHealthy`) and their
   * `POST /control/…` routes. Honoured only when listening on loopback. @defaultValue false
   */
  readonly allowControl?: boolean;
  /** How often `stats` messages go out. @defaultValue 1000 */
  readonly statsIntervalMs?: number;
  /**
   * Bytes that may wait for one `/events` client that stopped reading before it is disconnected (beyond what the
   * connection's first messages took). @defaultValue 1048576
   */
  readonly maxQueuedBytes?: number;
  /** The config the router was created with: the page shows the rules in force (defaults filled in). */
  readonly config?: RouterConfig;
  /** Where the server's own lines go (a dropped client …). @defaultValue console.warn */
  readonly log?: (line: string) => void;
}
