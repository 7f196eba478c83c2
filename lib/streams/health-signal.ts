import type { NodeId } from '../types.js';

/**
 * What moves a node's health: a probe outcome (heartbeat), a request outcome (passive), a connection that
 * opened (`connected`: first contact), credentials rejected (`auth`), or an operator's override (manual). `hard` failures — a refused
 * connection — take a node out at once. The router's `health-feedback` is the only producer of request,
 * connected and manual signals.
 */
export type HealthSignal =
  | {
      readonly nodeId: NodeId;
      readonly kind: 'probe' | 'request';
      readonly ok: true;
      readonly rttMs?: number;
    }
  | {
      readonly nodeId: NodeId;
      readonly kind: 'probe' | 'request';
      readonly ok: false;
      readonly hard: boolean;
    }
  | { readonly nodeId: NodeId; readonly kind: 'connected' }
  /** The node rejected the router's credentials: `unusable` (reason `auth`) until a connection is set up again. */
  | { readonly nodeId: NodeId; readonly kind: 'auth' }
  | { readonly nodeId: NodeId; readonly kind: 'manual'; readonly healthy: boolean };
