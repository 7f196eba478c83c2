import { distinctUntilChanged, map, type Observable } from 'rxjs';
import type { ClusterHealth, NodeId } from '../types.js';

/**
 * The eligible node ids of a health stream, emitted only when the set changes.
 * ```
 * health$:    a--b--c--d     (b changes only an RTT, d brings node 2 back)
 * eligible$:  x-----y--z     x: [1,2,3]  y: [1,3]  z: [1,2,3]
 * ```
 */
export function eligible(health$: Observable<ClusterHealth>): Observable<readonly NodeId[]> {
  return health$.pipe(
    map((h) => h.eligible),
    distinctUntilChanged((a, b) => a.length === b.length && a.every((id, i) => id === b[i])),
  );
}
