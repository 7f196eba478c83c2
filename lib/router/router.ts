import type { RouterConfig } from '../config.js';
import { debugRouter } from '../observability/debug-router.js';
import { routerApi } from './router-api.js';
import { routerCore } from './router-core.js';
import type { Router } from './router-types.js';
import { validateConfig } from './validate-config.js';

/**
 * Creates a router: resolves the whole config once (a `ConfigError` names the bad field), opens a pool per
 * node, starts the heartbeats, and routes each `request$()` to an eligible node within one deadline, retrying
 * elsewhere with backoff. Wiring only — `routerCore` builds and starts the parts (docs/architecture.md):
 * `Nodes` (a pool per node), `ClusterView` (latest health, per-node figures), `Membership`, `Picker`
 * (`selectNode`), `HealthFeedback`, `Hedging`, `Lifecycle`, `statusChanges`; `routerApi` is the public face
 * over them; each request is a `RouterRequest` (`routeRequest`) that asks `decide`.
 *
 * ```ts
 * const router = createRouter({ hosts: ['127.0.0.1:7000', '127.0.0.1:7001'] });
 * router.request$('hello').subscribe((reply) => console.log(reply.payload));
 * router.health$.subscribe((h) => console.log(h.eligible));
 * await router.close();
 * ```
 */
export function createRouter(input: RouterConfig): Router {
  const { config, addresses } = validateConfig(input);
  let router: Router | undefined;
  router = routerApi(routerCore(config, addresses, () => router));
  debugRouter(router); // NODE_DEBUG=qdb-router: one line per connection, health, membership, retry decision
  return router;
}
