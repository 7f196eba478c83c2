import type { Credentials } from '../transport/handshake-types.js';
import { UsageError } from './usage-error.js';

/** The environment variable that carries a token to `watch`, `demo` and `node` (kept out of the process list). */
export const tokenVariable = 'QDB_ROUTER_AUTH_TOKEN';

/**
 * The router's `credentials` from `--token` or, without it, `QDB_ROUTER_AUTH_TOKEN`; undefined when neither is
 * set. The token is never printed: not here, not in errors.
 */
export function cliCredentials(flag: string | undefined): (() => Credentials) | undefined {
  const token = flag ?? process.env[tokenVariable];
  if (token === undefined) return undefined;
  if (token === '') throw new UsageError(`--token (or ${tokenVariable}) is empty`);
  return () => ({ token });
}
