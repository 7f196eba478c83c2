import type { ActiveFault, FaultKind } from './fault.js';

/** `server.faultStats`: the active fault and what faults hit so far. */
export interface FaultStats {
  /** The active fault, defaults filled in; undefined when none. */
  readonly fault: ActiveFault | undefined;
  /** Requests (connections, for `never-read` and `close-on-accept`) hit, by kind, since start. */
  readonly injected: Readonly<Partial<Record<FaultKind, number>>>;
  /** Every kind together. */
  readonly total: number;
}
