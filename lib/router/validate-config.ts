import { type ResolvedConfig, resolveConfig } from '../config.js';
import { ConfigError, ErrorCode, RouterError } from '../errors.js';
import { rankAddresses } from '../transport/rank-addresses.js';
import type { NodeAddress } from '../types.js';

/** Builds a {@link ConfigError} (the `invalid` hook of `resolveConfig`). */
export const configError = (field: string, value: unknown, expected: string): ConfigError =>
  new ConfigError(field, value, expected);

/**
 * Validates a whole configuration before anything connects (the first bad value throws a {@link ConfigError}
 * naming its field and value), fills in every default, and ranks each node's addresses by the protocols this
 * runtime supports. Returns the resolved config and the node addresses (`addresses[i].id === i + 1`).
 */
export function validateConfig(input: unknown): {
  config: Readonly<ResolvedConfig>;
  addresses: NodeAddress[];
} {
  let config: Readonly<ResolvedConfig>;
  try {
    config = resolveConfig(input, configError);
  } catch (err) {
    if (err instanceof RouterError) throw err;
    // a hostile config (a revoked Proxy, a throwing getter): still a typed ERR_CONFIG, never a raw TypeError
    throw new RouterError(
      ErrorCode.Config,
      `invalid config: it could not be read (${(err as Error)?.message})`,
      {
        cause: err,
      },
    );
  }
  const addresses = config.hosts.map((parsed, i) => {
    const ranked = rankAddresses(parsed);
    if (ranked.length === 0) {
      throw new ConfigError(
        `hosts[${i}]`,
        (input as { hosts: unknown[] }).hosts[i],
        'an address with a protocol this runtime supports (ws:// or wss:// in a browser)',
      );
    }
    return { ...ranked[0]!, alternatives: ranked };
  });
  return { config, addresses };
}
