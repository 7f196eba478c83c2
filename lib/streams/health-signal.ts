import type { NodeId } from '../types.js';

/**
 * What moves a node's health: a probe outcome (heartbeat), a request outcome (passive), or an operator's
 * override (manual). `hard` failures — a refused or reset connection — take a node out at once.
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
  | { readonly nodeId: NodeId; readonly kind: 'manual'; readonly healthy: boolean };
