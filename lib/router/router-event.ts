import type { CloseReason } from '../transport/connection.js';
import type { PoolStats } from '../transport/pool-types.js';
import type { HealthReason, HealthStatus, NodeId } from '../types.js';

/**
 * Everything a router reports on `events$`, modelled on MongoDB's CMAP/SDAM events. `at` is scheduler time.
 * Per-request events are built only while someone subscribes to `events$`.
 */
export type RouterEvent =
  | {
      readonly type: 'connectionCreated';
      readonly at: number;
      readonly nodeId: NodeId;
      readonly connectionId: number;
    }
  | {
      readonly type: 'connectionClosed';
      readonly at: number;
      readonly nodeId: NodeId;
      readonly connectionId: number;
      readonly reason: CloseReason;
    }
  | { readonly type: 'connectFailed'; readonly at: number; readonly nodeId: NodeId; readonly code: string }
  | {
      readonly type: 'heartbeatSucceeded';
      readonly at: number;
      readonly nodeId: NodeId;
      readonly rttMs: number;
    }
  | { readonly type: 'heartbeatFailed'; readonly at: number; readonly nodeId: NodeId; readonly code: string }
  | {
      readonly type: 'nodeStatusChanged';
      readonly at: number;
      readonly nodeId: NodeId;
      readonly previous: HealthStatus;
      readonly status: HealthStatus;
      readonly reason: HealthReason;
    }
  | {
      readonly type: 'retryScheduled';
      readonly at: number;
      readonly attempt: number;
      readonly delayMs: number;
      readonly code: string;
    }
  | {
      readonly type: 'requestSucceeded';
      readonly at: number;
      readonly nodeId: NodeId;
      readonly durationMs: number;
      readonly attempts: number;
    }
  | { readonly type: 'requestFailed'; readonly at: number; readonly code: string; readonly attempts: number }
  | { readonly type: 'poolStats'; readonly at: number; readonly stats: PoolStats };
