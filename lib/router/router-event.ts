import type { CloseReason } from '../transport/connection.js';
import type { PoolStats } from '../transport/pool-types.js';
import type { HealthReason, HealthStatus, NodeId } from '../types.js';

/**
 * Everything a router reports on `events$`, modelled on MongoDB's CMAP/SDAM events. `at` is scheduler time.
 * Every request event carries `requestId` (unique per router). Per-request events are built only while someone
 * subscribes to `events$` or to a `qdb-router:*` diagnostics channel (see `TraceSubject`).
 *
 * A request's events, in order: `requestStarted`, then per attempt `attemptStarted` (attempt 1 = first) and,
 * when it failed and will be retried, `retryScheduled` (the node whose attempt failed, the wait, the code) — or,
 * when the retry budget refused that retry, `retryRefused`;
 * finally `requestSucceeded` or `requestFailed` (the last node tried, if any; `poison: true` when the request
 * broke connections on two nodes and was therefore not retried further and counted against no more nodes).
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
      /** It was leased when it closed (`getConnection`): the holder's, never evidence against the node. */
      readonly leased?: true;
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
      /**
       * The client's own event loop was stalled for `lagMs` (GC, long synchronous work), seen by the router's drift
       * detector: timeouts within it are not held against nodes (the fair-chance rule).
       */
      readonly type: 'clientStall';
      readonly at: number;
      readonly lagMs: number;
    }
  | {
      /** Passive health ejected the node until `untilAt` (scheduler time); `times`: its ejections so far. */
      readonly type: 'nodeEjected';
      readonly at: number;
      readonly nodeId: NodeId;
      readonly untilAt: number;
      readonly times: number;
    }
  | {
      /** `messageType`: the request's MessageType number (`type` is the event's own discriminant). */
      readonly type: 'requestStarted';
      readonly at: number;
      readonly requestId: number;
      readonly messageType: number;
      readonly idempotent: boolean;
      readonly timeoutMs: number;
    }
  | {
      readonly type: 'attemptStarted';
      readonly at: number;
      readonly requestId: number;
      readonly nodeId: NodeId;
      readonly attempt: number;
    }
  | {
      readonly type: 'retryScheduled';
      readonly at: number;
      readonly requestId: number;
      /** The node whose attempt failed. */
      readonly nodeId: NodeId;
      readonly attempt: number;
      readonly delayMs: number;
      readonly code: string;
    }
  | {
      /**
       * A retry every other rule allowed was not made because the shared retry budget could not pay for it
       * (`retry.budget`, Finagle's RetryBudget): the request fails with its last error, which carries
       * `retryRefused: 'budget'`. `nodeId`: the node whose attempt failed; `code`: that error's code.
       */
      readonly type: 'retryRefused';
      readonly at: number;
      readonly requestId: number;
      readonly nodeId: NodeId;
      readonly reason: 'budget';
      readonly code: string;
    }
  | {
      readonly type: 'requestSucceeded';
      readonly at: number;
      readonly requestId: number;
      readonly nodeId: NodeId;
      readonly durationMs: number;
      readonly attempts: number;
    }
  | {
      readonly type: 'requestFailed';
      readonly at: number;
      readonly requestId: number;
      /** The last node tried, if any. */
      readonly nodeId?: NodeId;
      readonly code: string;
      readonly durationMs: number;
      readonly attempts: number;
      /** Set when the request broke connections on two nodes (a suspected poison request). */
      readonly poison?: true;
    }
  | {
      /** A hedged request sent copy `attempt` (2 = the first hedge) to `nodeId`. */
      readonly type: 'hedgeSent';
      readonly at: number;
      readonly requestId: number;
      readonly nodeId: NodeId;
      readonly attempt: number;
    }
  | {
      /** A hedge (copy `attempt` ≥ 2, on `nodeId`) answered first. */
      readonly type: 'hedgeWon';
      readonly at: number;
      readonly requestId: number;
      readonly nodeId: NodeId;
      readonly attempt: number;
    }
  | { readonly type: 'poolStats'; readonly at: number; readonly stats: PoolStats }
  | {
      /** Membership added a node (`joining`: no requests before its first pong, then a slow start). */
      readonly type: 'nodeAdded';
      readonly at: number;
      readonly nodeId: NodeId;
      readonly address: string;
      readonly source: MembershipSource;
    }
  | {
      /**
       * Membership removed a node: no new requests; its unwritten ones went elsewhere; `inFlight` requests (written
       * or queued when the removal came) finish by their deadline or at the drain bound.
       */
      readonly type: 'nodeDraining';
      readonly at: number;
      readonly nodeId: NodeId;
      readonly address: string;
      readonly reason: MembershipSource;
      readonly inFlight: number;
    }
  | {
      /** A drained node is gone: no socket, timer or subscription of it is left. */
      readonly type: 'nodeRemoved';
      readonly at: number;
      readonly nodeId: NodeId;
      readonly address: string;
      readonly reason: MembershipSource;
      /** Its requests in flight or queued when the removal came (see `nodeDraining`). */
      readonly inFlight: number;
    }
  | {
      /** An update was not applied (empty, errored, malformed, invalid): the node set is unchanged. */
      readonly type: 'membershipWarning';
      readonly at: number;
      readonly source: MembershipSource;
      readonly message: string;
    }
  | {
      /** `nodeId` rejected the router's credentials during connection setup (once per node and credentials). */
      readonly type: 'authFailed';
      readonly at: number;
      readonly nodeId: NodeId;
      readonly code: string;
    }
  | {
      /**
       * The credentials provider yielded credentials. `generation` grows when they differ from the previous ones;
       * `expiresAt`: theirs (ms since the epoch), or null. The secrets themselves are never in an event.
       */
      readonly type: 'credentialsRefreshed';
      readonly at: number;
      readonly generation: number;
      readonly expiresAt: number | null;
    };

/** Where a membership change came from: the `hosts` Observable or `discovery` (`ListNodes`). */
export type MembershipSource = 'hosts' | 'discovery';
