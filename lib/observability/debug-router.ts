import type { Subscription } from 'rxjs';
import type { Router } from '../router/router-types.js';
import { debugLine } from './debug-line.js';

/** The debug section: `NODE_DEBUG=qdb-router` (or a pattern that matches it, e.g. `qdb-*`). */
export const debugSection = 'qdb-router';

type DebugLog = ((message: string) => void) & { enabled?: boolean };

/**
 * The debug log of `NODE_DEBUG=qdb-router`: Node's `util.debuglog`, read through `process.getBuiltinModule` so
 * the browser build (where there is no `process`) gets `undefined` — and no `node:util` import. `undefined`
 * too when the section is not enabled, so an unset `NODE_DEBUG` costs one lookup per router.
 */
export function nodeDebugLog(): DebugLog | undefined {
  const util = (
    globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
  ).process?.getBuiltinModule?.('node:util') as { debuglog?: (section: string) => DebugLog } | undefined;
  const log = util?.debuglog?.(debugSection);
  return log?.enabled ? log : undefined;
}

/**
 * Writes a router's connection, health, membership and retry decisions, one line each (see `debugLine`), to
 * `log` — by default Node's debug log, on stderr as `QDB-ROUTER <pid>: …`, when `NODE_DEBUG` names
 * `qdb-router`. `createRouter` calls it, so `NODE_DEBUG=qdb-router node app.js` is all it takes. Without a log
 * it subscribes to nothing and costs nothing. It ends when the router's `events$` completes (`close()`).
 */
export function debugRouter(
  router: Router,
  log: ((line: string) => void) | undefined = nodeDebugLog(),
): Subscription | undefined {
  if (!log) return undefined;
  // addresses as configured, then as health snapshots name them (nodes added later by membership included)
  const labels = new Map<number, string>(router.addresses.map((a) => [a.id, a.label]));
  const sub = router.health$.subscribe((h) => {
    for (const n of h.nodes.values()) labels.set(n.nodeId, n.address);
  });
  sub.add(
    router.events$.subscribe({
      next: (event) => {
        const line = debugLine(event, (id) => labels.get(id));
        if (line !== undefined) log(line);
      },
      complete: () => sub.unsubscribe(),
    }),
  );
  return sub;
}
