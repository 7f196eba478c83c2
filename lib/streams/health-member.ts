import type { NodeId } from '../types.js';

/**
 * One member of a cluster as {@link clusterHealth} sees it: its router-assigned id, its address label, and
 * whether membership removed it and it is draining (kept in `health$` as `draining`, no longer probed).
 */
export interface HealthMember {
  readonly id: NodeId;
  readonly address: string;
  /** @defaultValue false */
  readonly draining?: boolean;
  /** The first probe of a member that joins waits this long (connects spread over many routers). @defaultValue 0 */
  readonly probeAfterMs?: number;
}
