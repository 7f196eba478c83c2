import type { SchedulerLike } from 'rxjs';
import type { SetupHooks } from './node-setup.js';
import type { RouterEvent } from './router-event.js';

/**
 * Connection setup's news as `events$`: `credentialsRefreshed` (the generation and expiry, never the secrets) and
 * `authFailed` (a node rejected the current credentials; once per node and credentials).
 */
export function setupHooks(scheduler: SchedulerLike, emit: (event: () => RouterEvent) => void): SetupHooks {
  return {
    onRefreshed: (grant) =>
      emit(() => ({
        type: 'credentialsRefreshed',
        at: scheduler.now(),
        generation: grant.generation,
        expiresAt: grant.credentials?.expiresAt ?? null,
      })),
    onRejected: (nodeId, code) => emit(() => ({ type: 'authFailed', at: scheduler.now(), nodeId, code })),
  };
}
